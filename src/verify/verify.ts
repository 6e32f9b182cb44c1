// `archlab verify`: proves a lab in a fresh environment. For every step: setup, the check must
// fail; each wrong-solution fixture, the check must fail; the solve, the check must pass.
import { spawnSync } from "node:child_process";
import type { LoadedLab, ResolvedStep } from "../lab/loader.ts";
import type { Grader } from "../server/grader/grader.ts";
import { processOwner } from "../server/provisioner/owner.ts";
import { envSpecFromLab } from "../server/provisioner/spec.ts";
import type { Provisioner } from "../server/provisioner/types.ts";

/** `ungraded`: an imported reading step (no check): never counted as passed. */
export type CaseStatus = "passed" | "failed" | "skipped" | "ungraded";

export interface VerifyCase {
  lab: string;
  step: string;
  name: string;
  status: CaseStatus;
  message?: string;
  durationMs: number;
}

export interface VerifyDeps {
  provisioner: Provisioner;
  grader: Grader;
  /** Called as each case finishes, for live output. */
  onCase?: (c: VerifyCase) => void;
  /** Whether the local engine holds an image (default: `docker image inspect`); for tests. */
  hasImage?: (ref: string) => boolean;
}

const ENV_TTL_MS = 60 * 60 * 1000;

function missingCommands(loaded: LoadedLab): string[] {
  return (loaded.lab.requires?.commands ?? []).filter(
    (cmd) => spawnSync("sh", ["-c", `command -v ${JSON.stringify(cmd)}`]).status !== 0,
  );
}

/** Whether the local engine holds the image (`docker image inspect`). */
export function engineHasImage(ref: string): boolean {
  return spawnSync("docker", ["image", "inspect", ref], { stdio: "ignore" }).status === 0;
}

/** Why the lab cannot run on this machine (lab.yaml `requires`), or undefined when it can. */
export function skipReason(
  loaded: LoadedLab,
  hasImage: (ref: string) => boolean = engineHasImage,
  hasCommand: (loaded: LoadedLab) => string[] = missingCommands,
): string | undefined {
  const reasons: string[] = [];
  const commands = hasCommand(loaded);
  if (commands.length > 0) {
    reasons.push(`this machine lacks ${commands.join(", ")} (lab.yaml requires.commands)`);
  }
  const images = (loaded.lab.requires?.images ?? []).filter((ref) => !hasImage(ref));
  if (images.length > 0) {
    reasons.push(
      `the local engine lacks the images ${images.join(", ")} (lab.yaml requires.images); ` +
        `on a machine whose engine reaches their registry run \`docker pull IMAGE\` for each, ` +
        `then \`docker save -o lab-images.tar ${images.join(" ")}\`, carry the file here and ` +
        `run \`docker load -i lab-images.tar\``,
    );
  }
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = Date.now();
  const value = await fn();
  return [value, Date.now() - t0];
}

/** Verifies one step; returns whether its solve passed (later steps build on it). */
async function verifyStep(
  lab: string,
  envId: string,
  step: ResolvedStep,
  deps: VerifyDeps,
  record: (c: VerifyCase) => void,
): Promise<boolean> {
  const { grader } = deps;
  const caseOf = (name: string, status: CaseStatus, durationMs: number, message?: string) =>
    record({ lab, step: step.id, name, status, durationMs, ...(message ? { message } : {}) });
  try {
    if (step.setup) await grader.run(envId, step.setup);
    if (step.ungraded) {
      // A reading step: its exec blocks still run (later steps may build on them).
      const [, t] = await timed(() => grader.run(envId, step.solve));
      caseOf(
        "reading step (no check)",
        "ungraded",
        t,
        step.noSolve ? "no check and nothing to run" : "no check; its commands ran",
      );
      return true;
    }
    const [before, t1] = await timed(() => grader.check(envId, step.check));
    caseOf(
      "check fails before the step is done",
      before.passed ? "failed" : "passed",
      t1,
      before.passed ? "the check passed on an untouched environment" : undefined,
    );
    for (const wrong of step.wrong) {
      const [result, t] = await timed(async () => {
        await grader.run(envId, wrong.script);
        const r = await grader.check(envId, step.check);
        if (wrong.revert) await grader.run(envId, wrong.revert);
        return r;
      });
      caseOf(
        `check rejects wrong solution: ${wrong.name}`,
        result.passed ? "failed" : "passed",
        t,
        result.passed
          ? "the check accepted this wrong solution"
          : `rejected with: ${result.message}`,
      );
    }
    if (step.noSolve) {
      caseOf(
        "check passes after the solve",
        "skipped",
        0,
        "the step gives no command to run (no {{exec}} block): nothing proves its check can pass",
      );
      return true;
    }
    const [after, t2] = await timed(async () => {
      await grader.run(envId, step.solve);
      return grader.check(envId, step.check);
    });
    caseOf(
      "check passes after the solve",
      after.passed ? "passed" : "failed",
      t2,
      after.passed ? undefined : `the check failed after the solve: ${after.message}`,
    );
    return after.passed;
  } catch (err) {
    caseOf("step runs", "failed", 0, (err as Error).message);
    return false;
  }
}

export async function verifyLab(loaded: LoadedLab, deps: VerifyDeps): Promise<VerifyCase[]> {
  const lab = loaded.lab.id;
  const cases: VerifyCase[] = [];
  const record = (c: VerifyCase) => {
    cases.push(c);
    deps.onCase?.(c);
  };
  const reason = skipReason(loaded, deps.hasImage);
  if (reason) {
    record({
      lab,
      step: "(lab)",
      name: "environment",
      status: "skipped",
      message: reason,
      durationMs: 0,
    });
    return cases;
  }
  const spec = envSpecFromLab(loaded.lab, {
    learner: "verify",
    owner: processOwner(),
    ttlMs: ENV_TTL_MS,
  });
  let envId: string;
  try {
    const [env, t] = await timed(() => deps.provisioner.create(spec));
    envId = env.id;
    record({ lab, step: "(lab)", name: "environment starts", status: "passed", durationMs: t });
  } catch (err) {
    record({
      lab,
      step: "(lab)",
      name: "environment starts",
      status: "failed",
      message: (err as Error).message,
      durationMs: 0,
    });
    return cases;
  }
  try {
    let blockedBy: string | undefined;
    for (const step of loaded.steps) {
      if (blockedBy) {
        record({
          lab,
          step: step.id,
          name: "step runs",
          status: "failed",
          message: `not run: step ${blockedBy} did not pass`,
          durationMs: 0,
        });
        continue;
      }
      if (!(await verifyStep(lab, envId, step, deps, record))) blockedBy = step.id;
    }
  } finally {
    await deps.provisioner.destroy(envId);
  }
  return cases;
}

export function summarize(cases: VerifyCase[]): {
  passed: number;
  failed: number;
  skipped: number;
  ungraded: number;
} {
  const count = (s: CaseStatus) => cases.filter((c) => c.status === s).length;
  return {
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped"),
    ungraded: count("ungraded"),
  };
}

export function summaryLine(cases: VerifyCase[]): string {
  const { passed, failed, skipped, ungraded } = summarize(cases);
  return (
    `${passed} passed, ${failed} failed, ${skipped} skipped` +
    (ungraded > 0 ? `, ${ungraded} ungraded` : "")
  );
}
