// Ready environments waiting for learners: a joining learner gets one at once instead of waiting
// for containers to start. The pool refills in the background, one environment at a time (so it
// never competes hard with learners' own starts), and only while the memory its environments
// reserve stays within the budget.
import type { LoadedLab } from "../../lab/loader.ts";
import { envSpecFromLab } from "../provisioner/spec.ts";
import type { Env, Provisioner } from "../provisioner/types.ts";
import type { EngineHealth } from "./engine-health.ts";

export interface WarmPoolOptions {
  /** Ready environments to keep per lab. */
  size: number;
  /** Most memory (sum of the hosts' limits) all pooled environments may reserve together. */
  memoryBudgetBytes: number;
  owner: string;
  ttlMs: number;
  /** Wait before trying again after a failed start. */
  retryMs?: number;
  /** An engine outage is no failed start: the pool waits for the engine and fills again. */
  engine?: Pick<EngineHealth, "noteFailure" | "whenUp">;
  log?: (line: string) => void;
}

/** What LabSessions needs from a pool: a ready environment of a lab, if one is waiting. */
export interface EnvSource {
  take(labId: string): Env | undefined;
}

/** Memory an environment of this lab reserves (the sum of its hosts' limits). */
export function labMemoryBytes(lab: LoadedLab): number {
  return envSpecFromLab(lab.lab, { learner: "pool", owner: "pool", ttlMs: 0 }).hosts.reduce(
    (sum, h) => sum + h.memoryBytes,
    0,
  );
}

export class WarmPool implements EnvSource {
  private readonly ready = new Map<string, Env[]>();
  private filling: Promise<void> | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Starts into the pool so far, and how long each took (for the dashboard and benchmarks). */
  readonly started: { labId: string; ms: number }[] = [];

  constructor(
    private readonly provisioner: Provisioner,
    private readonly labs: LoadedLab[],
    private readonly options: WarmPoolOptions,
  ) {}

  /** How many ready environments wait, per lab. */
  counts(): Record<string, number> {
    return Object.fromEntries(
      this.labs.map((l) => [l.lab.id, this.ready.get(l.lab.id)?.length ?? 0]),
    );
  }

  private reservedBytes(): number {
    let sum = 0;
    for (const lab of this.labs)
      sum += (this.ready.get(lab.lab.id)?.length ?? 0) * labMemoryBytes(lab);
    return sum;
  }

  /** The next lab that is short of ready environments and fits the budget. */
  private nextToFill(): LoadedLab | undefined {
    const reserved = this.reservedBytes();
    return this.labs
      .filter((lab) => (this.ready.get(lab.lab.id)?.length ?? 0) < this.options.size)
      .filter((lab) => reserved + labMemoryBytes(lab) <= this.options.memoryBudgetBytes)
      .sort(
        (a, b) => (this.ready.get(a.lab.id)?.length ?? 0) - (this.ready.get(b.lab.id)?.length ?? 0),
      )[0];
  }

  /** Takes back a ready environment this pool started before the server restarted. */
  adopt(env: Env): boolean {
    if (this.stopped || !this.labs.some((l) => l.lab.id === env.labId)) return false;
    const list = this.ready.get(env.labId) ?? [];
    if (list.length >= this.options.size) return false;
    list.push(env);
    this.ready.set(env.labId, list);
    return true;
  }

  take(labId: string): Env | undefined {
    const env = this.ready.get(labId)?.shift();
    this.refill();
    return env;
  }

  /** Tops the pool up in the background; returns the running fill. */
  refill(): Promise<void> {
    if (this.stopped || this.options.size === 0) return Promise.resolve();
    this.filling ??= this.fill().finally(() => (this.filling = undefined));
    return this.filling;
  }

  private async fill(): Promise<void> {
    for (let lab = this.nextToFill(); lab && !this.stopped; lab = this.nextToFill()) {
      const t0 = Date.now();
      try {
        const env = await this.provisioner.create(
          envSpecFromLab(lab.lab, {
            learner: "pool",
            owner: this.options.owner,
            ttlMs: this.options.ttlMs,
          }),
        );
        if (this.stopped) {
          await this.provisioner.destroy(env.id).catch(() => undefined);
          return;
        }
        const list = this.ready.get(lab.lab.id) ?? [];
        list.push(env);
        this.ready.set(lab.lab.id, list);
        this.started.push({ labId: lab.lab.id, ms: Date.now() - t0 });
      } catch (err) {
        const { engine } = this.options;
        if (engine?.noteFailure(err)) {
          void engine.whenUp().then(() => this.refill());
          return;
        }
        this.options.log?.(`warm pool: ${lab.lab.id} did not start: ${(err as Error).message}`);
        this.retryTimer = setTimeout(() => void this.refill(), this.options.retryMs ?? 30_000);
        this.retryTimer.unref();
        return;
      }
    }
  }

  /** Resolves once the pool holds what it should (or cannot grow within its budget). */
  async full(): Promise<void> {
    while (this.filling) await this.filling;
  }

  /** Stops refilling and removes every waiting environment. */
  async drain(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.filling?.catch(() => undefined);
    const envs = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(envs.map((e) => this.provisioner.destroy(e.id).catch(() => undefined)));
  }
}
