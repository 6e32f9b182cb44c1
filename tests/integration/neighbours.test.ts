// Noisy neighbours, against the real engine: in one learner's environment a fork bomb, a memory
// hog, a CPU burner and a disk filler; each is held by its limit (read back from the kernel's
// cgroup counters on the machine, or by the disk guard), and a second learner's terminal keeps
// echoing keystrokes meanwhile. The latency figures are bench/neighbours.ts's job; here only
// "held" and "still answers" are asserted.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { names } from "../../src/server/provisioner/docker/container-config.ts";
import { processOwner } from "../../src/server/provisioner/owner.ts";
import type { Env, Shell } from "../../src/server/provisioner/types.ts";
import { DiskGuard, type Eviction } from "../../src/server/sessions/disk-guard.ts";
import { engine, host, spec } from "./helpers.ts";

const { docker, provisioner } = engine();
const MiB = 1024 ** 2;
/** The noisy learner's limits: small, so each is reached in seconds. */
const NOISY = { memoryBytes: 128 * MiB, nanoCpus: 500_000_000, pids: 64 };

let noisy: Env;
let quiet: Env;
let quietShell: Shell;
let quietOutput = "";

/** A cgroup counter file of a container, read on the machine (v1 per controller, or v2). */
function cgroupFile(containerId: string, controller: string, file: string): string {
  const candidates = [
    `/sys/fs/cgroup/${controller}/docker/${containerId}/${file}`,
    `/sys/fs/cgroup/docker/${containerId}/${file}`,
    `/sys/fs/cgroup/system.slice/docker-${containerId}.scope/${file}`,
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`no cgroup file ${file} for ${containerId}: ${candidates.join(", ")}`);
  return readFileSync(found, "utf8");
}

/** A named counter in a "key value" cgroup file (pids.events, memory.oom_control, cpu.stat). */
function counter(text: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  if (!m) throw new Error(`no ${key} in:\n${text}`);
  return Number(m[1]);
}

async function noisyId(): Promise<string> {
  const info = await docker.getContainer(names.container(noisy.id, "noisy")).inspect();
  return info.Id;
}

/** Starts a workload in the noisy environment without waiting for it. */
function run(script: string, timeoutMs = 60_000): Promise<unknown> {
  return provisioner.exec(noisy.id, "noisy", { script }, { timeoutMs }).catch((err: Error) => err);
}

/** Types 20 keys into the quiet learner's shell; every one must come back (10 s each at most). */
async function quietStillEchoes(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const before = quietOutput.length;
    quietShell.stream.write(key);
    const deadline = Date.now() + 10_000;
    while (!quietOutput.slice(before).includes(key) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(quietOutput.slice(before), `keystroke ${i} came back`).toContain(key);
    quietShell.stream.write("\x7f");
  }
}

/** A fresh noisy environment for each workload: what a fork bomb leaves behind is not reusable. */
async function freshNoisy(): Promise<void> {
  if (noisy) await provisioner.destroy(noisy.id);
  noisy = await provisioner.create(
    spec([host("noisy", NOISY)], { labId: "neighbours-noisy", learner: "noisy" }),
  );
}

beforeAll(async () => {
  quiet = await provisioner.create(
    spec([host("quiet")], { labId: "neighbours-quiet", learner: "quiet" }),
  );
  quietShell = await provisioner.openShell(quiet.id, "quiet", { cols: 80, rows: 24 });
  quietShell.stream.on("data", (b: Buffer) => (quietOutput += b.toString("utf8")));
  await freshNoisy();
  await quietStillEchoes();
}, 300_000);

afterAll(async () => {
  quietShell?.close();
  for (const env of [noisy, quiet]) if (env) await provisioner.destroy(env.id).catch(() => {});
});

describe("a noisy learner's environment", () => {
  it("holds a fork bomb at its pids limit while the neighbour's shell answers", async () => {
    const id = await noisyId();
    const bomb = run("timeout 20 bash -c ':(){ :|:& };:'; sleep 1", 40_000);
    let hits = 0;
    for (let i = 0; i < 100 && hits === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      hits = counter(cgroupFile(id, "pids", "pids.events"), "max");
    }
    expect(hits, "the bomb reached the pids limit").toBeGreaterThan(0);
    const current = Number(cgroupFile(id, "pids", "pids.current"));
    expect(current).toBeLessThanOrEqual(NOISY.pids);
    await quietStillEchoes();
    void bomb;
    await freshNoisy();
  }, 180_000);

  it("kills a memory hog at its memory limit while the neighbour's shell answers", async () => {
    const id = await noisyId();
    // `tail` keeps the last line, and /dev/zero has no line end: it holds everything it reads.
    const hog = run("tail /dev/zero; echo exit=$?");
    await quietStillEchoes();
    const result = (await hog) as { stdout?: string };
    const v1 = existsSync(`/sys/fs/cgroup/memory/docker/${id}`);
    const kills = v1
      ? counter(cgroupFile(id, "memory", "memory.oom_control"), "oom_kill")
      : counter(cgroupFile(id, "memory", "memory.events"), "oom_kill");
    expect(kills, "the kernel killed the hog inside its own limit").toBeGreaterThan(0);
    expect(result.stdout ?? "").toMatch(/exit=137/);
    const limit = v1
      ? Number(cgroupFile(id, "memory", "memory.limit_in_bytes"))
      : Number(cgroupFile(id, "memory", "memory.max"));
    expect(limit).toBe(NOISY.memoryBytes);
  }, 180_000);

  it("gives a CPU burner no more than its share while the neighbour's shell answers", async () => {
    const id = await noisyId();
    const v1 = existsSync(`/sys/fs/cgroup/cpuacct/docker/${id}`);
    const usedNs = () =>
      v1
        ? Number(cgroupFile(id, "cpuacct", "cpuacct.usage"))
        : counter(cgroupFile(id, "cpu", "cpu.stat"), "usage_usec") * 1000;
    const burner = run(
      "timeout 12 sh -c 'for i in 1 2 3 4; do (while :; do :; done) & done; wait'; true",
    );
    await new Promise((r) => setTimeout(r, 2000));
    const t0 = process.hrtime.bigint();
    const u0 = usedNs();
    await quietStillEchoes();
    await new Promise((r) => setTimeout(r, 3000));
    const share = (usedNs() - u0) / Number(process.hrtime.bigint() - t0);
    await burner;
    // Four busy loops would take both cores of an idle machine; the kernel's quota is half of
    // one (a little slack for the scheduler's period boundaries). On a busy machine the burner
    // gets less anyway, so the quota itself is read back too.
    expect(share, "CPU used per second of wall time").toBeLessThan((NOISY.nanoCpus / 1e9) * 1.2);
    const [quota, period] = v1
      ? [cgroupFile(id, "cpu", "cpu.cfs_quota_us"), cgroupFile(id, "cpu", "cpu.cfs_period_us")]
      : cgroupFile(id, "cpu", "cpu.max").split(" ");
    expect(Number(quota) / Number(period)).toBe(NOISY.nanoCpus / 1e9);
  }, 180_000);

  it("is removed by the disk guard when it fills the disk past its cap, and the guard names it", async () => {
    const evictions: Eviction[] = [];
    const capBytes = 200 * MiB;
    const guard = new DiskGuard({
      usage: () => provisioner.diskUsage(processOwner()),
      space: () => provisioner.diskSpace(),
      capBytes,
      floorBytes: 0,
      evict: async (envId, reason) => {
        evictions.push({ envId, bytes: 0, reason });
        await provisioner.destroy(envId);
      },
    });
    // Nothing written yet: nobody is removed.
    expect(await guard.sweep()).toEqual([]);
    const filler = run("dd if=/dev/zero of=/var/tmp/fill bs=1M count=1500 status=none", 120_000);
    let removed: Eviction[] = [];
    for (let i = 0; i < 120 && removed.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      removed = await guard.sweep();
    }
    await filler;
    expect(removed.map((e) => e.envId)).toEqual([noisy.id]);
    expect(removed[0]?.bytes).toBeGreaterThan(capBytes);
    expect(removed[0]?.bytes, "stopped well before the filler's 1500 MiB").toBeLessThan(1200 * MiB);
    expect(evictions[0]?.reason).toMatch(/wrote \d+ MiB to disk, over the 200 MiB/);
    await expect(provisioner.get(noisy.id)).rejects.toThrow(/unknown environment|no environment/i);
    await quietStillEchoes();
    expect((await provisioner.get(quiet.id)).id).toBe(quiet.id);
  }, 180_000);
});
