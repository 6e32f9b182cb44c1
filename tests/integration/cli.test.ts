// The `archlab` command as a user runs it: verify on both real labs (JUnit and closing line),
// the environment commands, and the clear one-line errors for bad ids.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { labIds, loadLabById } from "../../src/lab/catalog.ts";
import { skipReason } from "../../src/verify/verify.ts";
import { KUBERNETES_SKIPPED, KUBERNETES_TESTS } from "../kubernetes.ts";
import { labsLongestFirst, machineSlots } from "./helpers.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/archlab.js");

/** Runs archlab in an English locale (unless `locale` says otherwise). */
function archlabIn(locale: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LC_ALL: "", LC_MESSAGES: "", LANG: "C.UTF-8", ...locale },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const archlab = (...args: string[]) => archlabIn({}, ...args);
const execFileAsync = promisify(execFile);

const clusterLabs = labIds().filter((id) => loadLabById(id).lab.cluster !== undefined);

/** Runs archlab without blocking the test worker, so two verifies can share the machine. */
async function archlabAsync(...args: string[]) {
  const r = await execFileAsync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1", LC_ALL: "", LC_MESSAGES: "", LANG: "C.UTF-8" },
  }).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof err.code === "number" ? err.code : 1,
      stdout: err.stdout ?? "",
      stderr: err.stderr ?? "",
    }),
  );
  return r;
}

// Two verifies at once: a verify mostly waits for services to converge, so two share 2 cores
// well (docs/benchmarks.md, "A whole CI run"); a cluster, which takes both cores while it comes
// up, takes both slots.
const slots = machineSlots(2);

/** One lab's verify through the CLI: every step fails before, rejects each fixture, passes after. */
async function provesEveryStep(id: string) {
  const junit = path.join(mkdtempSync(path.join(tmpdir(), "archlab-junit-")), "verify.xml");
  const run = await archlabAsync("verify", id, "--junit", junit);
  const lab = loadLabById(id);
  // A lab this machine cannot run (lab.yaml `requires`: a command or an image it lacks) is one
  // skipped case; every other lab must be proved.
  const skipped = skipReason(lab) !== undefined;
  // An imported scenario's reading steps count as ungraded; a step without a solve, skipped.
  const graded = lab.steps.filter((s) => !s.ungraded);
  const ungraded = lab.steps.length - graded.length;
  const noSolve = graded.filter((s) => s.noSolve).length;
  const expected = 1 + graded.reduce((m, s) => m + (s.noSolve ? 1 : 2) + s.wrong.length, 0);
  const lines = run.stdout.trim().split("\n");
  expect(lines.at(-1), run.stdout + run.stderr).toBe(
    skipped
      ? "0 passed, 0 failed, 1 skipped"
      : `${expected} passed, 0 failed, ${noSolve} skipped` +
          (ungraded > 0 ? `, ${ungraded} ungraded` : ""),
  );
  expect(run.code).toBe(0);
  const xml = readFileSync(junit, "utf8");
  expect(xml).toContain(`<testsuite name="${id}"`);
  expect(xml).not.toContain("<failure");
}

describe.concurrent("archlab verify", () => {
  for (const id of labsLongestFirst()) {
    const cluster = clusterLabs.includes(id);
    if (cluster && !KUBERNETES_TESTS) {
      it.skip(`proves every step of ${id} (${KUBERNETES_SKIPPED})`);
      continue;
    }
    it(
      `proves every step of ${id}`,
      () => slots(cluster ? 2 : 1, () => provesEveryStep(id)),
      60 * 60_000,
    );
  }
});

describe("archlab verify errors", () => {
  it("fails with a one-line error naming the known labs for an unknown lab", () => {
    const bad = archlab("verify", "no-such-lab", "--json");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown lab "no-such-lab"; known labs: .*redis-replication/);
  });
});

describe("archlab env", () => {
  it("starts an environment, checks and solves a step, and removes it", () => {
    const upRun = archlab("env", "up", "redis-replication", "--ttl", "20m");
    expect(upRun.code, upRun.stderr).toBe(0);
    const envId = /^(e[a-z0-9]{10})\s/m.exec(upRun.stdout)?.[1] as string;
    expect(envId).toBeDefined();
    try {
      expect(archlab("env", "ls").stdout).toContain(envId);
      const before = archlab("check", envId, "make-replicas");
      expect(before.code).toBe(1);
      expect(before.stdout).toContain("not a replica yet");
      // The message in Chinese: asked for, or from a Chinese locale; --lang wins over the locale.
      const zh = archlab("check", envId, "make-replicas", "--lang", "zh");
      expect(zh.code).toBe(1);
      expect(zh.stdout).toMatch(/redis-2 还不是副本/);
      expect(zh.stdout).toContain("expected: role:slave");
      const byLocale = archlabIn({ LANG: "zh_CN.UTF-8" }, "check", envId, "make-replicas");
      expect(byLocale.stdout).toMatch(/还不是副本/);
      const forced = archlabIn(
        { LANG: "zh_CN.UTF-8" },
        "check",
        envId,
        "make-replicas",
        "--lang",
        "en",
      );
      expect(forced.stdout).toContain("not a replica yet");
      expect(archlab("solve", envId, "make-replicas").code).toBe(0);
      const after = archlab("check", envId, "make-replicas");
      expect(after.code).toBe(0);
      expect(after.stdout).toContain("replicate from redis-1");
    } finally {
      expect(archlab("env", "down", envId).code).toBe(0);
    }
    expect(archlab("env", "ls").stdout).not.toContain(envId);
  });

  it("answers unknown labs, environments and steps with one line naming the known ones", () => {
    const lab = archlab("env", "up", "redis-replicaton");
    expect(lab.code).toBe(1);
    expect(lab.stderr).toMatch(
      /unknown lab "redis-replicaton" \(did you mean "redis-replication"\?\); known labs: .*docker-basics/,
    );
    const env = archlab("check", "e0000000000", "make-replicas");
    expect(env.code).toBe(1);
    expect(env.stderr).toContain('unknown environment "e0000000000"');
    const ttl = archlab("env", "up", "redis-replication", "--ttl", "soon");
    expect(ttl.stderr).toContain('"soon" is not a duration');
  });
});
