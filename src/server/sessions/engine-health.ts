// Whether the Docker engine answers right now, for the whole server. A call that finds the
// engine gone (EngineUnavailableError) or a failed ping marks it down: the lab API then answers
// 503 "engine-unavailable" to starts, status and checks, and the reaper, disk guard and warm pool
// skip their rounds, so nothing is marked failed or removed because the engine was restarting.
// While down it pings every `downEveryMs` and, once the engine answers, marks it up and tells
// whoever waits (a start interrupted by the outage resumes). Logged once per outage, both ways.
import { EngineUnavailableError, isEngineUnavailable } from "../provisioner/types.ts";

export interface EngineHealthOptions {
  /** Resolves when the engine answers; rejects (any error) when it does not. */
  ping: () => Promise<void>;
  /** How often to ping while the engine answers (default 5 s; 0: only when a call fails). */
  upEveryMs?: number;
  /** How often to ping while it does not (default 1 s). */
  downEveryMs?: number;
  log?: (line: string) => void;
}

export class EngineHealth {
  private down: { since: number; cause: EngineUnavailableError } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private recoveredListeners = new Set<() => void>();
  private stopped = false;
  private pinging = false;

  constructor(private readonly options: EngineHealthOptions) {}

  get up(): boolean {
    return this.down === undefined;
  }

  /** Throws EngineUnavailableError while the engine does not answer. */
  assertUp(): void {
    if (this.down) throw this.down.cause;
  }

  /** Marks the engine down when `err` says it did not answer; returns whether it did. */
  noteFailure(err: unknown): boolean {
    if (!isEngineUnavailable(err)) return false;
    if (!this.down) {
      this.down = { since: Date.now(), cause: err };
      const why = (err.cause as { code?: unknown } | undefined)?.code;
      this.options.log?.(
        `archlab: the Docker engine does not answer${why ? ` (${why})` : ""}; environments are kept, ` +
          "starts and checks answer \u201cengine unavailable, retrying\u201d until it is back",
      );
    }
    this.schedule();
    return true;
  }

  /** Resolves once the engine answers (at once when it does). */
  whenUp(): Promise<void> {
    if (!this.down) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Called each time the engine answers again after an outage. */
  onRecovered(fn: () => void): () => void {
    this.recoveredListeners.add(fn);
    return () => this.recoveredListeners.delete(fn);
  }

  /** Pings once now; marks the engine up or down by the answer. */
  async check(): Promise<boolean> {
    try {
      await this.options.ping();
    } catch (err) {
      this.noteFailure(isEngineUnavailable(err) ? err : new EngineUnavailableError(err));
      return false;
    }
    if (this.down) {
      const ms = Date.now() - this.down.since;
      this.down = undefined;
      this.options.log?.(
        `archlab: the Docker engine answers again after ${(ms / 1000).toFixed(1)} s`,
      );
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
      for (const fn of this.recoveredListeners) fn();
    }
    return true;
  }

  /** Starts pinging (every `upEveryMs` while up, `downEveryMs` while down) until `stop()`. */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped || this.pinging) return;
    const every = this.down ? (this.options.downEveryMs ?? 1000) : (this.options.upEveryMs ?? 5000);
    if (every <= 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pinging = true;
      void this.check().finally(() => {
        this.pinging = false;
        this.schedule();
      });
    }, every);
    this.timer.unref();
  }
}
