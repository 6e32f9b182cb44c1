import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Lang } from "../../i18n/ui.ts";
import type { Script } from "../../lab/loader.ts";
import type { Command, ExecResult, Provisioner } from "../provisioner/types.ts";
import { Grader, interpretCheck } from "./grader.ts";

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

/** A provisioner whose every host is this machine's bash: what the grader feeds it really runs. */
function localBash(): { provisioner: Provisioner; programs: string[] } {
  const programs: string[] = [];
  const exec = (_env: string, _host: string, command: Command): Promise<ExecResult> => {
    const script = "script" in command ? command.script : "";
    programs.push(script);
    const r = spawnSync("bash", ["-s"], { input: script, encoding: "utf8" });
    return Promise.resolve({
      exitCode: r.status ?? 1,
      stdout: r.stdout,
      stderr: r.stderr,
      timedOut: false,
      durationMs: 1,
    });
  };
  return { provisioner: { exec } as unknown as Provisioner, programs };
}

const script = (source: string): Script => ({
  host: "grader",
  source,
  timeoutMs: 15_000,
  origin: "checks/x.sh",
});

async function grade(source: string, lang?: Lang) {
  const { provisioner, programs } = localBash();
  const result = await new Grader(provisioner).check("env", script(source), lang);
  return { result, program: programs[0] as string };
}

describe("Grader.check with the check-script library (labs/lib/check.sh, run by bash)", () => {
  const bilingual = 'fail "redis-2 does not follow redis-1" "redis-2 没有跟随 redis-1"';

  it("returns the Chinese message for a zh page and the English one for en", async () => {
    expect((await grade(bilingual, "zh")).result).toMatchObject({
      passed: false,
      message: "redis-2 没有跟随 redis-1",
    });
    expect((await grade(bilingual, "en")).result.message).toBe("redis-2 does not follow redis-1");
  });

  it("speaks English when no language is given (verify)", async () => {
    const { result, program } = await grade(bilingual);
    expect(result.message).toBe("redis-2 does not follow redis-1");
    expect(program.startsWith("ARCHLAB_LANG=en\n")).toBe(true);
  });

  it("puts the language line and the library before the check, the check last", async () => {
    const { program } = await grade("echo hi", "zh");
    expect(program.startsWith("ARCHLAB_LANG=zh\n# labs/lib/check.sh")).toBe(true);
    expect(program.endsWith("\necho hi")).toBe(true);
  });

  it("shows a one-language check's message on a Chinese page as it is", async () => {
    const { result } = await grade('fail "only in English"', "zh");
    expect(result).toMatchObject({ passed: false, message: "only in English" });
    // An old-style check that prints its own message still works too.
    const old = await grade('echo "plain echo"; exit 1', "zh");
    expect(old.result).toMatchObject({ passed: false, message: "plain echo" });
  });

  it("expect_eq gives a Chinese message with expected/actual apart on a zh page", async () => {
    const check = 'expect_eq "the role of redis-2" "redis-2 的角色" slave master; pass "ok"';
    const zh = (await grade(check, "zh")).result;
    expect(zh).toMatchObject({
      passed: false,
      message: "redis-2 的角色与预期不符",
      expected: "slave",
      actual: "master",
    });
    const en = (await grade(check, "en")).result;
    expect(en.message).toBe("the role of redis-2 is not as expected");
    expect(en.expected).toBe("slave");
  });

  it("expect_eq passes when the values match, and pass picks the language", async () => {
    const check =
      'expect_eq "the role" "角色" slave slave; pass "redis-2 follows" "redis-2 已跟随"';
    expect((await grade(check, "zh")).result).toMatchObject({
      passed: true,
      message: "redis-2 已跟随",
    });
    expect((await grade(check, "en")).result.message).toBe("redis-2 follows");
  });

  it("fail with four arguments adds expected/actual; msg adds a line in the same language", async () => {
    const check = [
      'msg "3 requests sent" "发送了 3 个请求"',
      'fail "uneven" "分配不均" "$(t "about 10 each" "每个约 10 个")" "api-1=30"',
    ].join("\n");
    expect((await grade(check, "zh")).result).toMatchObject({
      message: "发送了 3 个请求\n分配不均",
      expected: "每个约 10 个",
      actual: "api-1=30",
    });
    expect((await grade(check, "en")).result).toMatchObject({
      message: "3 requests sent\nuneven",
      expected: "about 10 each",
    });
  });

  it("leaves a check that uses set -u working (the library reads no unset variable)", async () => {
    const { result } = await grade('set -u; msg "x"; fail "y" ""', "zh");
    expect(result).toMatchObject({ passed: false, message: "x\ny" });
  });
});
