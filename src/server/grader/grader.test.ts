import { describe, expect, it } from "vitest";
import type { ExecResult } from "../provisioner/types.ts";
import { interpretCheck } from "./grader.ts";

function exec(partial: Partial<ExecResult>): ExecResult {
  return { exitCode: 0, stdout: "", stderr: "", timedOut: false, durationMs: 42, ...partial };
}

describe("interpretCheck", () => {
  it("passes on exit code 0 and shows the check's message", () => {
    const r = interpretCheck(exec({ stdout: "both replicas follow redis-1\n" }), 15_000);
    expect(r.passed).toBe(true);
    expect(r.message).toBe("both replicas follow redis-1");
    expect(r.durationMs).toBe(42);
    expect(r.expected).toBeUndefined();
    expect(r.actual).toBeUndefined();
  });

  it('says "passed" when a passing check prints nothing', () => {
    const r = interpretCheck(exec({ stderr: "noise\n" }), 15_000);
    expect(r.passed).toBe(true);
    expect(r.message).toBe("passed");
    expect(r.details).toBe("noise");
  });

  it("takes expected:/actual: lines apart from the message on failure", () => {
    const stdout = [
      "redis-3 does not follow redis-1",
      "expected: master_host:redis-1",
      "  Actual:   master_host:redis-2",
      "",
      "run REPLICAOF on redis-3",
    ].join("\n");
    const r = interpretCheck(exec({ exitCode: 1, stdout }), 15_000);
    expect(r.passed).toBe(false);
    expect(r.expected).toBe("master_host:redis-1");
    expect(r.actual).toBe("  master_host:redis-2");
    expect(r.message).toBe("redis-3 does not follow redis-1\nrun REPLICAOF on redis-3");
    expect(r.message).not.toMatch(/expected|actual/i);
    // The full output stays available for logs.
    expect(r.details).toContain("expected: master_host:redis-1");
  });

  it("keeps only the last 12 lines of a long message", () => {
    const stdout = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n");
    const r = interpretCheck(exec({ exitCode: 1, stdout }), 15_000);
    expect(r.message.split("\n")).toHaveLength(12);
    expect(r.message.startsWith("line 9\n")).toBe(true);
    expect(r.message.endsWith("line 20")).toBe(true);
  });

  it("reports a timeout in whole seconds, whatever the output", () => {
    const r = interpretCheck(
      exec({ exitCode: 137, timedOut: true, stdout: "still waiting\nexpected: up" }),
      15_000,
    );
    expect(r.passed).toBe(false);
    expect(r.message).toBe("timed out after 15 s");
    expect(r.expected).toBeUndefined();
    expect(r.details).toBe("still waiting\nexpected: up");
    expect(interpretCheck(exec({ timedOut: true }), 2_400).message).toBe("timed out after 2 s");
  });

  it("falls back to stderr when a failing check prints nothing on stdout", () => {
    const r = interpretCheck(
      exec({
        exitCode: 1,
        stdout: "\n  \n",
        stderr: "Could not connect to Redis at redis-1:6379\n",
      }),
      15_000,
    );
    expect(r.passed).toBe(false);
    expect(r.message).toBe("Could not connect to Redis at redis-1:6379");
  });

  it("falls back to the exit code when a failing check prints nothing at all", () => {
    const r = interpretCheck(exec({ exitCode: 3 }), 15_000);
    expect(r.passed).toBe(false);
    expect(r.message).toMatch(/exit code 3\b/);
    expect(r.details).toBe("");
  });

  it("fails with only expected/actual printed: the message falls back, the pair is kept", () => {
    const r = interpretCheck(exec({ exitCode: 2, stdout: "expected: 3\nactual: 2\n" }), 15_000);
    expect(r.passed).toBe(false);
    expect(r.expected).toBe("3");
    expect(r.actual).toBe("2");
    expect(r.message).toMatch(/exit code 2/);
  });
});
