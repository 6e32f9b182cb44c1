// The disk guard: Docker cannot cap a container's writable layer on overlay2 over ext4 (its
// `--storage-opt size=` needs xfs with project quotas), so one learner's `dd if=/dev/zero` would
// fill the machine's disk and break every other learner's lab. The guard measures what each
// environment has written (its containers' writable layers and its volumes) and removes an
// environment that goes over its cap, or the one that wrote most when the machine's free space
// falls under a floor, saying which environment it was and why.

import { isEngineUnavailable, type DiskSpace, type EnvDiskUsage } from "../provisioner/types.ts";

export interface DiskGuardOptions {
  /** What each running environment has written now. */
  usage: () => Promise<EnvDiskUsage[]>;
  /** Free and total bytes of the disk the engine writes to (undefined: unknown, floor unchecked). */
  space: () => Promise<DiskSpace | undefined>;
  /** The most one environment may write. */
  capBytes: number;
  /**
   * The machine keeps at least this much free; under it, the biggest writer is removed. A
   * function gets the disk's size (say, 5 % of it).
   */
  floorBytes: number | ((totalBytes: number) => number);
  /** Removes the environment; `reason` is what its learner is told. */
  evict: (envId: string, reason: string) => Promise<void>;
  log?: (line: string) => void;
}

export interface Eviction {
  envId: string;
  bytes: number;
  reason: string;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function formatBytes(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

export class DiskGuard {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(private readonly options: DiskGuardOptions) {
    if (!(options.capBytes > 0)) throw new Error("the disk guard needs a cap above 0 bytes");
    if (typeof options.floorBytes === "number" && !(options.floorBytes >= 0))
      throw new Error("the disk guard's floor cannot be negative");
  }

  /** Measures once and removes what must go; returns what it removed. */
  async sweep(): Promise<Eviction[]> {
    const { capBytes } = this.options;
    const usage = (await this.options.usage()).sort((a, b) => b.bytes - a.bytes);
    const evictions: Eviction[] = usage
      .filter((u) => u.bytes > capBytes)
      .map((u) => ({
        envId: u.envId,
        bytes: u.bytes,
        reason:
          `the environment wrote ${formatBytes(u.bytes)} to disk, over the ` +
          `${formatBytes(capBytes)} one environment may use; it was removed to protect the ` +
          `other learners. Delete big files as you go, then start it again.`,
      }));
    const space = await this.options.space();
    const floor = this.options.floorBytes;
    const floorBytes = typeof floor === "number" ? floor : floor(space?.totalBytes ?? 0);
    // What the removals above give back counts: the floor may already be safe again.
    const freeAfter = (space?.freeBytes ?? 0) + evictions.reduce((n, e) => n + e.bytes, 0);
    const biggest = usage.find((u) => !evictions.some((e) => e.envId === u.envId));
    if (space && freeAfter < floorBytes && biggest && biggest.bytes > 0) {
      evictions.push({
        envId: biggest.envId,
        bytes: biggest.bytes,
        reason:
          `the machine's disk is almost full (${formatBytes(space.freeBytes)} free) and this ` +
          `environment had written the most (${formatBytes(biggest.bytes)}); it was removed ` +
          `so the room's labs keep working. Start it again.`,
      });
    }
    for (const e of evictions) {
      this.options.log?.(`disk guard: removing ${e.envId}: ${formatBytes(e.bytes)} written`);
      await this.options.evict(e.envId, e.reason);
    }
    return evictions;
  }

  /**
   * Sweeps every `everyMs` until `stop()`; a failed sweep is logged and the next one runs. One
   * skipped because the engine does not answer is not logged (engine-health.ts says it once).
   */
  start(everyMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = true;
      this.sweep()
        .catch((err: Error) => {
          if (!isEngineUnavailable(err)) this.options.log?.(`disk guard: ${err.message}`);
        })
        .finally(() => (this.sweeping = false));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
