// Each learner's environment per lab: start (in the background, with per-host progress), status,
// reset, destroy, and who owns which environment. Depends only on interfaces.
import type { LoadedLab } from "../../lab/loader.ts";
import { envSpecFromLab } from "../provisioner/spec.ts";
import { ENV_ERROR_HINTS, type EnvErrorCode, type EnvStatus } from "../../protocol/lab-api.ts";
import {
  isEngineUnavailable,
  type Env,
  type EnvSpec,
  type Provisioner,
} from "../provisioner/types.ts";
import type { EngineHealth } from "./engine-health.ts";
import type { EnvSource } from "./warm-pool.ts";
import { terminalTabs } from "../../lab/tabs.ts";

export type { EnvState, EnvStatus, HostStatus } from "../../protocol/lab-api.ts";
import type { EnvState } from "../../protocol/lab-api.ts";

interface Entry {
  status: EnvStatus;
  starting?: Promise<void>;
}

export interface LabSessionsOptions {
  owner: string;
  ttlMs: number;
  /** Most environments running at once on this server (a "room full" answer beyond it). */
  maxEnvironments: number;
  /** Ready environments to hand out before starting new ones (a workshop's warm pool). */
  pool?: EnvSource;
  /** Told when an environment becomes ready, fails, or is removed. */
  onChange?: (learnerId: string, labId: string, state: EnvState) => void;
  /**
   * Whether the engine answers (engine-health.ts): a start the engine's outage interrupted is
   * not failed, it stays "starting" and starts again once the engine answers.
   */
  engine?: Pick<EngineHealth, "noteFailure" | "whenUp">;
}

/** The code an error carries (its `code`, when it is one of ours), else "start-failed". */
export function envErrorCode(err: unknown): EnvErrorCode {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code in ENV_ERROR_HINTS
    ? (code as EnvErrorCode)
    : "start-failed";
}

/** What to tell a learner when starting failed: the cause, its code and what to do. */
export function envErrorOf(err: unknown): NonNullable<EnvStatus["error"]> {
  const code = envErrorCode(err);
  return { code, message: (err as Error).message, hint: ENV_ERROR_HINTS[code] };
}

export class RoomFullError extends Error {
  readonly code = "room-full";
  constructor(max: number) {
    super(`the room is full: ${max} environments are already running`);
  }
}

export class LabSessions {
  private readonly entries = new Map<string, Entry>();
  /** envId -> learner and lab, for ownership checks. */
  private readonly owners = new Map<string, { learnerId: string; labId: string }>();

  constructor(
    private readonly provisioner: Provisioner,
    private readonly options: LabSessionsOptions,
    private readonly onDestroyed: (envId: string) => void = () => {},
  ) {}

  private key(learnerId: string, labId: string): string {
    return `${learnerId}\u0000${labId}`;
  }

  status(learnerId: string, lab: LoadedLab): EnvStatus {
    return (
      this.entries.get(this.key(learnerId, lab.lab.id))?.status ?? {
        state: "none",
        hosts: [],
        tabs: terminalTabs(lab),
      }
    );
  }

  /** Starts the learner's environment unless it is starting or ready; returns at once. */
  start(learnerId: string, lab: LoadedLab): EnvStatus {
    const key = this.key(learnerId, lab.lab.id);
    const current = this.entries.get(key);
    if (current && (current.status.state === "starting" || current.status.state === "ready"))
      return current.status;
    const running = [...this.entries.values()].filter(
      (e) => e.status.state === "starting" || e.status.state === "ready",
    ).length;
    const status: EnvStatus = {
      state: "starting",
      tabs: terminalTabs(lab),
      startedAt: Date.now(),
      hosts: Object.entries(lab.lab.hosts).map(([name, h]) => ({
        name,
        phase: "pending",
        terminal: h.terminal,
      })),
    };
    const entry: Entry = { status };
    this.entries.set(key, entry);
    if (running >= this.options.maxEnvironments) {
      status.state = "failed";
      status.error = envErrorOf(new RoomFullError(this.options.maxEnvironments));
      return status;
    }
    const pooled = this.options.pool?.take(lab.lab.id);
    if (pooled) {
      for (const host of status.hosts) host.phase = "ready";
      this.ready(entry, learnerId, lab.lab.id, pooled.id);
      return status;
    }
    const spec = envSpecFromLab(lab.lab, {
      learner: learnerId,
      owner: this.options.owner,
      ttlMs: this.options.ttlMs,
    });
    entry.starting = this.launch(key, entry, learnerId, lab, spec);
    return status;
  }

  /** Creates the environment for `entry`; an engine outage waits for the engine and tries again. */
  private launch(
    key: string,
    entry: Entry,
    learnerId: string,
    lab: LoadedLab,
    spec: EnvSpec,
  ): Promise<void> {
    const { status } = entry;
    return this.provisioner
      .create(spec, (e) => {
        const host = status.hosts.find((h) => h.name === e.host);
        if (host) {
          host.phase = e.phase;
          if (e.detail) host.detail = e.detail;
          else delete host.detail;
        }
      })
      .then((env) => {
        // A reset or destroy while starting wins: throw the new environment away.
        if (this.entries.get(key) !== entry) {
          void this.provisioner.destroy(env.id).catch(() => undefined);
          return;
        }
        this.ready(entry, learnerId, lab.lab.id, env.id);
      })
      .catch(async (err: Error) => {
        const { engine } = this.options;
        if (engine && isEngineUnavailable(err)) {
          // Not the environment's fault: still "starting", from scratch once the engine is back.
          engine.noteFailure(err);
          for (const host of status.hosts) {
            host.phase = "pending";
            delete host.detail;
          }
          await engine.whenUp();
          if (this.entries.get(key) === entry) await this.launch(key, entry, learnerId, lab, spec);
          return;
        }
        status.state = "failed";
        status.error = envErrorOf(err);
        this.options.onChange?.(learnerId, lab.lab.id, "failed");
      });
  }

  /**
   * Takes back a running environment this server started before it restarted: the learner's
   * status is "ready" with that environment, as it was. False (and nothing changes) when the
   * learner already has an environment of that lab here.
   */
  adopt(learnerId: string, lab: LoadedLab, env: Env): boolean {
    const key = this.key(learnerId, lab.lab.id);
    if (this.entries.has(key)) return false;
    // Not told to onChange: the learner's "ready" was recorded when it first became ready.
    this.entries.set(key, {
      status: {
        state: "ready",
        envId: env.id,
        tabs: terminalTabs(lab),
        startedAt: env.createdAt,
        readyAt: env.createdAt,
        hosts: Object.entries(lab.lab.hosts).map(([name, h]) => ({
          name,
          phase: "ready",
          terminal: h.terminal,
        })),
      },
    });
    this.owners.set(env.id, { learnerId, labId: lab.lab.id });
    return true;
  }

  private ready(entry: Entry, learnerId: string, labId: string, envId: string): void {
    this.owners.set(envId, { learnerId, labId });
    entry.status.envId = envId;
    entry.status.state = "ready";
    entry.status.readyAt = Date.now();
    this.options.onChange?.(learnerId, labId, "ready");
  }

  /** Each lab's environment state of one learner. */
  statesOf(learnerId: string): Map<string, EnvStatus> {
    const out = new Map<string, EnvStatus>();
    for (const [key, entry] of this.entries) {
      const [who, labId] = key.split("\u0000") as [string, string];
      if (who === learnerId) out.set(labId, entry.status);
    }
    return out;
  }

  /** Removes every environment of one learner (their session ended or went idle). */
  async destroyLearner(learnerId: string): Promise<void> {
    await Promise.all(
      [...this.statesOf(learnerId).keys()].map((labId) => this.destroy(learnerId, labId)),
    );
  }

  /** Resolves once a start in progress has finished (for tests and the CLI). */
  async settled(learnerId: string, labId: string): Promise<void> {
    await this.entries.get(this.key(learnerId, labId))?.starting;
  }

  async destroy(learnerId: string, labId: string): Promise<void> {
    const key = this.key(learnerId, labId);
    const entry = this.entries.get(key);
    this.entries.delete(key);
    const envId = entry?.status.envId;
    if (envId) {
      this.owners.delete(envId);
      this.onDestroyed(envId);
      this.options.onChange?.(learnerId, labId, "none");
      await this.provisioner.destroy(envId).catch(() => undefined);
    }
  }

  async reset(learnerId: string, lab: LoadedLab): Promise<EnvStatus> {
    await this.destroy(learnerId, lab.lab.id);
    return this.start(learnerId, lab);
  }

  /**
   * Takes away an environment the machine cannot keep (the disk guard): it is removed, and its
   * learner's status says why until they start the lab again. False when no learner of this
   * server had it (it is removed all the same).
   */
  async evict(envId: string, message: string, code: EnvErrorCode): Promise<boolean> {
    const who = this.owners.get(envId);
    const entry = who ? this.entries.get(this.key(who.learnerId, who.labId)) : undefined;
    this.owners.delete(envId);
    this.onDestroyed(envId);
    if (who && entry) {
      const { envId: _gone, ...rest } = entry.status;
      entry.status = {
        ...rest,
        state: "failed",
        error: { code, message, hint: ENV_ERROR_HINTS[code] },
      };
      this.options.onChange?.(who.learnerId, who.labId, "failed");
    }
    await this.provisioner.destroy(envId).catch(() => undefined);
    return Boolean(who && entry);
  }

  owner(envId: string): { learnerId: string; labId: string } | undefined {
    return this.owners.get(envId);
  }

  /** The environments learners have now, by id (ready or taken back after a restart). */
  envIds(): string[] {
    return [...this.owners.keys()];
  }

  /** Destroys every environment this server started (on shutdown). */
  async destroyAll(): Promise<void> {
    const keys = [...this.entries.keys()];
    await Promise.all(
      keys.map((k) => {
        const [learnerId, labId] = k.split("\u0000") as [string, string];
        return this.destroy(learnerId, labId);
      }),
    );
  }
}
