import { describe, expect, it } from "vitest";
import type { DiskSpace, EnvDiskUsage } from "../provisioner/types.ts";
import { DiskGuard, formatBytes } from "./disk-guard.ts";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

function guardWith(usage: EnvDiskUsage[], space?: DiskSpace, floorBytes = 2 * GiB) {
  const evicted: { envId: string; reason: string }[] = [];
  const guard = new DiskGuard({
    usage: async () => usage,
    space: async () => space,
    capBytes: 4 * GiB,
    floorBytes,
    evict: async (envId, reason) => {
      evicted.push({ envId, reason });
    },
  });
  return { guard, evicted };
}

describe("the disk guard", () => {
  it("removes an environment over its cap and tells its learner how much and the limit", async () => {
    const { guard, evicted } = guardWith(
      [
        { envId: "eaaa", bytes: 300 * MiB },
        { envId: "ebbb", bytes: 4.5 * GiB },
      ],
      { freeBytes: 50 * GiB, totalBytes: 100 * GiB },
    );
    await guard.sweep();
    expect(evicted.map((e) => e.envId)).toEqual(["ebbb"]);
    expect(evicted[0]?.reason).toMatch(/wrote 4\.5 GiB to disk, over the 4\.0 GiB/);
  });

  it("leaves every environment under its cap alone while the machine has room", async () => {
    const { guard, evicted } = guardWith(
      [
        { envId: "eaaa", bytes: 3.9 * GiB },
        { envId: "ebbb", bytes: 1 * GiB },
      ],
      { freeBytes: 2.1 * GiB, totalBytes: 100 * GiB },
    );
    expect(await guard.sweep()).toEqual([]);
    expect(evicted).toEqual([]);
  });

  it("under the free-space floor removes the biggest writer, even below its cap", async () => {
    const { guard, evicted } = guardWith(
      [
        { envId: "esmall", bytes: 200 * MiB },
        { envId: "ebig", bytes: 3 * GiB },
      ],
      { freeBytes: 1 * GiB, totalBytes: 100 * GiB },
    );
    await guard.sweep();
    expect(evicted.map((e) => e.envId)).toEqual(["ebig"]);
    expect(evicted[0]?.reason).toMatch(
      /almost full \(1\.0 GiB free\).*written the most \(3\.0 GiB\)/,
    );
  });

  it("counts what removing an environment over its cap gives back before removing another", async () => {
    const { guard, evicted } = guardWith(
      [
        { envId: "ebig", bytes: 5 * GiB },
        { envId: "enext", bytes: 1 * GiB },
      ],
      { freeBytes: 1 * GiB, totalBytes: 100 * GiB },
    );
    await guard.sweep();
    expect(evicted.map((e) => e.envId)).toEqual(["ebig"]);
  });

  it("removes the next biggest too when the disk stays under the floor after that", async () => {
    const { guard, evicted } = guardWith(
      [
        { envId: "ebig", bytes: 4.2 * GiB },
        { envId: "enext", bytes: 2 * GiB },
      ],
      { freeBytes: 0.1 * GiB, totalBytes: 100 * GiB },
      5 * GiB,
    );
    await guard.sweep();
    expect(evicted.map((e) => e.envId)).toEqual(["ebig", "enext"]);
  });

  it("checks only the cap when the engine's disk cannot be measured", async () => {
    const { guard, evicted } = guardWith([{ envId: "eaaa", bytes: 3 * GiB }], undefined);
    await guard.sweep();
    expect(evicted).toEqual([]);
  });

  it("refuses a cap of zero with a clear error", () => {
    expect(
      () =>
        new DiskGuard({
          usage: async () => [],
          space: async () => undefined,
          capBytes: 0,
          floorBytes: 0,
          evict: async () => {},
        }),
    ).toThrow(/cap above 0 bytes/);
  });

  it("writes sizes as a person reads them", () => {
    expect(formatBytes(200 * MiB)).toBe("200 MiB");
    expect(formatBytes(4.5 * GiB)).toBe("4.5 GiB");
  });
});
