// A learner's lab in domain verbs: start, status, check a step, reset, remove. The HTTP API
// (http/api.ts) and the workshop's instructor actions (workshop/workshop.ts) both call these,
// so "check a step" and "reset a lab" are written once: a check waits for the step backgrounds,
// grades, opens the next steps and records the attempt; a reset forgets the lab's progress and
// starts a fresh environment. Every change a learner's lab goes through (its environment
// became ready, failed or went away; a check was recorded; it was reset) is one event,
// `LabChange`, which the workshop dashboard follows.
import type { Lang } from "../../i18n/ui.ts";
import type { CheckResponse } from "../../protocol/lab-api.ts";
import type { LoadedLab, ResolvedStep } from "../../lab/loader.ts";
import type { Grader } from "../grader/grader.ts";
import type { StepBackgrounds } from "../http/step-backgrounds.ts";
import type { Store } from "../storage/store.ts";
import type { EngineHealth } from "./engine-health.ts";
import type { EnvState, EnvStatus, LabSessions } from "./lab-sessions.ts";

export type LabChange =
  | { kind: "env"; learnerId: string; labId: string; state: EnvState }
  | { kind: "check"; learnerId: string; labId: string; stepId: string; passed: boolean }
  | { kind: "reset"; learnerId: string; labId: string };

export type LabErrorCode = "ungraded" | "no-environment";

/** A verb that cannot be done in the lab's present state (the API answers 409). */
export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the learner sees of a check (the full output stays on the server). */
export type ShownCheck = CheckResponse;

export interface LabServiceDeps {
  sessions: LabSessions;
  grader: Pick<Grader, "check">;
  store: Store;
  /** Step setups (imported backgrounds, native setups): a check waits for them; a pass opens the next. */
  backgrounds?: StepBackgrounds;
  /**
   * Whether the engine answers (engine-health.ts): while it does not, every verb but progress
   * throws EngineUnavailableError (the API's 503) and nothing about the lab changes.
   */
  engine?: Pick<EngineHealth, "assertUp" | "noteFailure">;
}

export class LabService {
  private readonly listeners = new Set<(change: LabChange) => void>();

  constructor(private readonly deps: LabServiceDeps) {}

  /** Follows every change of every learner's lab; returns the unsubscribe. */
  subscribe(fn: (change: LabChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(change: LabChange): void {
    for (const fn of this.listeners) fn(change);
  }

  /**
   * The sessions' own report (LabSessionsOptions.onChange): a ready environment is recorded
   * and opens the first steps' backgrounds.
   */
  environmentChanged(
    learnerId: string,
    lab: LoadedLab | undefined,
    labId: string,
    state: EnvState,
  ) {
    if (state === "ready") this.deps.store.recordReady(learnerId, labId);
    const envId = lab ? this.deps.sessions.status(learnerId, lab).envId : undefined;
    if (state === "ready" && lab && envId) this.deps.backgrounds?.ready(envId, lab);
    this.emit({ kind: "env", learnerId, labId, state });
  }

  status(learnerId: string, lab: LoadedLab): EnvStatus {
    this.deps.engine?.assertUp();
    return this.deps.sessions.status(learnerId, lab);
  }

  /** Starts the learner's environment unless it is starting or ready; returns at once. */
  start(learnerId: string, lab: LoadedLab): EnvStatus {
    this.deps.engine?.assertUp();
    return this.deps.sessions.start(learnerId, lab);
  }

  /** Forgets the learner's progress in the lab and starts a fresh environment. */
  async reset(learnerId: string, lab: LoadedLab): Promise<EnvStatus> {
    this.deps.engine?.assertUp();
    this.deps.store.resetProgress(learnerId, lab.lab.id);
    const status = await this.deps.sessions.reset(learnerId, lab);
    this.emit({ kind: "reset", learnerId, labId: lab.lab.id });
    return status;
  }

  async remove(learnerId: string, labId: string): Promise<void> {
    this.deps.engine?.assertUp();
    await this.deps.sessions.destroy(learnerId, labId);
  }

  progress(learnerId: string, labId: string) {
    return this.deps.store.progress(learnerId, labId);
  }

  /** Grades a step in the learner's ready environment and records the attempt. */
  async check(
    learnerId: string,
    lab: LoadedLab,
    step: ResolvedStep,
    lang: Lang,
  ): Promise<ShownCheck> {
    if (step.ungraded)
      throw new LabError("ungraded", `step ${step.id} is a reading step: it has no check`);
    this.deps.engine?.assertUp();
    const status = this.deps.sessions.status(learnerId, lab);
    if (status.state !== "ready" || !status.envId)
      throw new LabError("no-environment", "start the lab environment first");
    const { backgrounds } = this.deps;
    await backgrounds?.settled(status.envId);
    // The engine going away during the check is no attempt: nothing is recorded.
    const result = await this.deps.grader
      .check(status.envId, step.check, lang)
      .catch((err: unknown) => {
        this.deps.engine?.noteFailure(err);
        throw err;
      });
    if (result.passed) backgrounds?.passed(status.envId, lab, lab.steps.indexOf(step));
    this.deps.store.recordCheck(learnerId, lab.lab.id, step.id, result.passed, result.message);
    this.emit({
      kind: "check",
      learnerId,
      labId: lab.lab.id,
      stepId: step.id,
      passed: result.passed,
    });
    const { details: _details, ...shown } = result;
    return shown;
  }
}
