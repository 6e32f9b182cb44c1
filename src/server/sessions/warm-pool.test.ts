import { describe, expect, it } from "vitest";
import { loadLabById } from "../../lab/catalog.ts";
import type { LoadedLab } from "../../lab/loader.ts";
import type { Env, EnvSpec, Provisioner } from "../provisioner/types.ts";
import { labMemoryBytes, WarmPool } from "./warm-pool.ts";

const basics = loadLabById("docker-basics");
// labs/docker-basics/lab.yaml: workstation 1g + grader 96m.
const BASICS_BYTES = 1024 ** 3 + 96 * 1024 ** 2;

/** The same lab under another id (a second lab of the same size). */
function renamed(lab: LoadedLab, id: string): LoadedLab {
  return { ...lab, lab: { ...lab.lab, id } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the condition holds (fails after 2 s). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(5);
  }
}

/**
 * A provisioner that only creates and destroys. `hold` keeps creations pending until `release`;
 * `failNext` makes the next creations fail.
 */
function fakeProvisioner() {
  const created: EnvSpec[] = [];
  const destroyed: string[] = [];
  const held: (() => void)[] = [];
  const state = { hold: false, failNext: 0 };
  let n = 0;
  const provisioner = {
    create: async (spec: EnvSpec): Promise<Env> => {
      created.push(spec);
      if (state.hold) await new Promise<void>((r) => held.push(r));
      if (state.failNext > 0) {
        state.failNext--;
        throw new Error("engine unavailable");
      }
      return {
        id: `env${++n}`,
        labId: spec.labId,
        learner: spec.learner,
        owner: spec.owner,
        createdAt: 0,
        expiresAt: spec.ttlMs,
        hosts: [],
      };
    },
    destroy: async (id: string) => {
      destroyed.push(id);
    },
  } as unknown as Provisioner;
  const release = () => {
    for (const r of held.splice(0)) r();
  };
  return { provisioner, created, destroyed, state, release, held };
}

const base = { owner: "pid:1@test", ttlMs: 3_600_000, memoryBudgetBytes: 100 * 1024 ** 3 };

describe("labMemoryBytes", () => {
  it("sums the memory limits of the lab's hosts", () => {
    expect(labMemoryBytes(basics)).toBe(BASICS_BYTES);
  });
});

describe("WarmPool", () => {
  it("fills each lab up to size with the lab's spec, one start at a time", async () => {
    const fake = fakeProvisioner();
    const other = renamed(basics, "other-lab");
    const pool = new WarmPool(fake.provisioner, [basics, other], { ...base, size: 2 });
    expect(pool.counts()).toEqual({ "docker-basics": 0, "other-lab": 0 });
    void pool.refill();
    await pool.full();
    expect(pool.counts()).toEqual({ "docker-basics": 2, "other-lab": 2 });
    expect(fake.created).toHaveLength(4);
    // Balanced: the emptiest lab goes first.
    expect(fake.created.map((s) => s.labId)).toEqual([
      "docker-basics",
      "other-lab",
      "docker-basics",
      "other-lab",
    ]);
    expect(fake.created[0]).toMatchObject({
      learner: "pool",
      owner: "pid:1@test",
      ttlMs: 3_600_000,
    });
    expect(fake.created[0]?.hosts.map((h) => h.name).sort()).toEqual(["grader", "workstation"]);
    expect(pool.started.map((s) => s.labId)).toHaveLength(4);

    // Already full: another refill starts nothing.
    await pool.refill();
    expect(fake.created).toHaveLength(4);
  });

  it("shares one fill between concurrent refills", async () => {
    const fake = fakeProvisioner();
    const pool = new WarmPool(fake.provisioner, [basics], { ...base, size: 1 });
    const a = pool.refill();
    const b = pool.refill();
    expect(a).toBe(b);
    await a;
    expect(fake.created).toHaveLength(1);
  });

  it("take hands out a ready environment, then refills back to size", async () => {
    const fake = fakeProvisioner();
    const pool = new WarmPool(fake.provisioner, [basics], { ...base, size: 2 });
    void pool.refill();
    await pool.full();
    const env = pool.take("docker-basics");
    expect(env).toMatchObject({ id: "env1", labId: "docker-basics" });
    expect(pool.counts()["docker-basics"]).toBe(1);
    await pool.full();
    expect(pool.counts()["docker-basics"]).toBe(2);
    expect(fake.created).toHaveLength(3);
    expect(pool.take("docker-basics")?.id).toBe("env2");
    expect(pool.take("unknown-lab")).toBeUndefined();
    await pool.full();
    expect(fake.destroyed).toEqual([]);
  });

  it("take returns undefined while nothing is ready yet", async () => {
    const fake = fakeProvisioner();
    fake.state.hold = true;
    const pool = new WarmPool(fake.provisioner, [basics], { ...base, size: 1 });
    void pool.refill();
    await sleep(0);
    expect(fake.created).toHaveLength(1);
    expect(pool.take("docker-basics")).toBeUndefined();
    expect(fake.created).toHaveLength(1); // the running fill is reused
    fake.release();
    await pool.full();
    expect(pool.take("docker-basics")?.labId).toBe("docker-basics"); // and a refill starts
    fake.state.hold = false;
    fake.release();
    await pool.full();
    expect(fake.created).toHaveLength(2);
    expect(pool.counts()).toEqual({ "docker-basics": 1 });
  });

  it("stays within the memory budget", async () => {
    const fake = fakeProvisioner();
    const pool = new WarmPool(fake.provisioner, [basics], {
      ...base,
      size: 3,
      memoryBudgetBytes: BASICS_BYTES,
    });
    void pool.refill();
    await pool.full();
    expect(pool.counts()).toEqual({ "docker-basics": 1 });
    expect(fake.created).toHaveLength(1);
    // Taking it frees the budget for one more.
    expect(pool.take("docker-basics")).toBeDefined();
    await pool.full();
    expect(pool.counts()).toEqual({ "docker-basics": 1 });
    expect(fake.created).toHaveLength(2);
  });

  it("starts nothing when even one environment exceeds the budget", async () => {
    const fake = fakeProvisioner();
    const pool = new WarmPool(fake.provisioner, [basics], {
      ...base,
      size: 3,
      memoryBudgetBytes: BASICS_BYTES - 1,
    });
    await pool.refill();
    await pool.full();
    expect(fake.created).toEqual([]);
  });

  it("starts nothing with size 0", async () => {
    const fake = fakeProvisioner();
    const pool = new WarmPool(fake.provisioner, [basics], { ...base, size: 0 });
    await pool.refill();
    expect(pool.take("docker-basics")).toBeUndefined();
    await pool.full();
    expect(fake.created).toEqual([]);
    expect(pool.counts()).toEqual({ "docker-basics": 0 });
  });

  it("logs a failed start and tries again after retryMs", async () => {
    const fake = fakeProvisioner();
    fake.state.failNext = 1;
    const lines: string[] = [];
    const pool = new WarmPool(fake.provisioner, [basics], {
      ...base,
      size: 2,
      retryMs: 20,
      log: (line) => lines.push(line),
    });
    void pool.refill();
    await pool.full();
    expect(lines).toEqual(["warm pool: docker-basics did not start: engine unavailable"]);
    expect(fake.created).toHaveLength(1);
    expect(pool.counts()["docker-basics"]).toBe(0);

    const failedAt = Date.now();
    await until(() => fake.created.length > 1);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(15); // not before retryMs (20)
    await until(() => pool.counts()["docker-basics"] === 2);
    expect(pool.counts()["docker-basics"]).toBe(2);
    expect(fake.created).toHaveLength(3);
    expect(lines).toHaveLength(1);
  });

  it("drain destroys every waiting environment and stops refilling", async () => {
    const fake = fakeProvisioner();
    const other = renamed(basics, "other-lab");
    const pool = new WarmPool(fake.provisioner, [basics, other], { ...base, size: 2 });
    void pool.refill();
    await pool.full();
    await pool.drain();
    expect([...fake.destroyed].sort()).toEqual(["env1", "env2", "env3", "env4"]);
    expect(pool.counts()).toEqual({ "docker-basics": 0, "other-lab": 0 });
    expect(pool.take("docker-basics")).toBeUndefined();
    await pool.refill();
    await pool.full();
    expect(fake.created).toHaveLength(4);
  });

  it("drain destroys an environment that was still starting", async () => {
    const fake = fakeProvisioner();
    fake.state.hold = true;
    const pool = new WarmPool(fake.provisioner, [basics], { ...base, size: 3 });
    void pool.refill();
    await sleep(0);
    expect(fake.held).toHaveLength(1);
    const drained = pool.drain();
    fake.release();
    await drained;
    expect(fake.destroyed).toEqual(["env1"]);
    expect(fake.created).toHaveLength(1);
    expect(pool.counts()).toEqual({ "docker-basics": 0 });
  });

  it("drain cancels a pending retry", async () => {
    const fake = fakeProvisioner();
    fake.state.failNext = 1;
    const pool = new WarmPool(fake.provisioner, [basics], {
      ...base,
      size: 1,
      retryMs: 20,
      log: () => undefined,
    });
    void pool.refill();
    await pool.full();
    await pool.drain();
    await sleep(60);
    expect(fake.created).toHaveLength(1);
  });

  it("counts ready environments per lab", async () => {
    const fake = fakeProvisioner();
    const other = renamed(basics, "other-lab");
    const pool = new WarmPool(fake.provisioner, [basics, other], {
      ...base,
      size: 2,
      // Room for three environments in all.
      memoryBudgetBytes: 3 * BASICS_BYTES,
    });
    void pool.refill();
    await pool.full();
    expect(pool.counts()).toEqual({ "docker-basics": 2, "other-lab": 1 });
    expect(pool.take("other-lab")?.labId).toBe("other-lab");
    expect(pool.counts()).toEqual({ "docker-basics": 2, "other-lab": 0 });
    await pool.full();
    expect(pool.counts()).toEqual({ "docker-basics": 2, "other-lab": 1 });
  });
});
