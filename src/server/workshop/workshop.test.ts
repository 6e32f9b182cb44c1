// The workshop's own logic over real sessions, store and pool with a fake provisioner (the
// engine side is proven in tests/integration/workshop.test.ts): idle and expired seats lose
// their environments but keep seat and progress, reset, control and the snapshot.
import { describe, expect, it } from "vitest";
import { loadLabById } from "../../lab/catalog.ts";
import type { Env, EnvSpec, Provisioner } from "../provisioner/types.ts";
import { Grader } from "../grader/grader.ts";
import { LabService } from "../sessions/lab-service.ts";
import { LabSessions } from "../sessions/lab-sessions.ts";
import { WarmPool } from "../sessions/warm-pool.ts";
import { Store } from "../storage/store.ts";
import { ShellRegistry } from "../terminal/gateway.ts";
import type { LearnerEvent } from "./room.ts";
import { Workshop, WorkshopError } from "./workshop.ts";

const MINUTE = 60_000;
const LAB = "docker-basics";

function setup() {
  const clock = { t: 1_700_000_000_000 };
  const destroyed: string[] = [];
  let n = 0;
  const provisioner = {
    create: async (spec: EnvSpec): Promise<Env> => ({
      id: `e${String(++n).padStart(10, "0")}`,
      labId: spec.labId,
      learner: spec.learner,
      owner: spec.owner,
      createdAt: 0,
      expiresAt: 0,
      hosts: [],
    }),
    destroy: async (id: string) => void destroyed.push(id),
  } as unknown as Provisioner;
  const lab = loadLabById(LAB);
  const store = new Store(":memory:");
  const shells = new ShellRegistry(provisioner);
  const sessions = new LabSessions(
    provisioner,
    { owner: "test", ttlMs: 3600_000, maxEnvironments: 10 },
    (envId) => shells.closeEnv(envId),
  );
  const pool = new WarmPool(provisioner, [lab], {
    size: 0,
    memoryBudgetBytes: 0,
    owner: "test",
    ttlMs: 0,
  });
  const deps: ConstructorParameters<typeof Workshop>[0] = {
    config: {
      name: "unit",
      labs: [LAB],
      seats: 5,
      sessionMs: 60 * MINUTE,
      idleMs: 10 * MINUTE,
      pool: { size: 0, memoryBytes: 0 },
      host: "127.0.0.1",
      port: 0,
    },
    store,
    sessions,
    service: new LabService({ sessions, grader: new Grader(provisioner), store }),
    shells,
    labs: [lab],
    pool,
    lessonPages: new Map([[LAB, { zh: "/zh/03-docker-basics/", en: "/en/03-docker-basics/" }]]),
    now: () => clock.t,
  };
  const workshop = new Workshop(deps);
  const joinWithEnv = async (name: string) => {
    const id = store.createLearner().id;
    workshop.join(id, name);
    sessions.start(id, lab);
    await sessions.settled(id, LAB);
    const events: LearnerEvent[] = [];
    workshop.room.subscribe(id, (e) => events.push(e));
    return { id, events, envId: sessions.statesOf(id).get(LAB)?.envId as string };
  };
  /** The same workshop started again on this store (as a restarted server would). */
  const again = () => new Workshop(deps);
  return { clock, destroyed, store, sessions, workshop, lab, joinWithEnv, again };
}

describe("Workshop", () => {
  it("removes an idle learner's environments, tells their page, keeps the seat", async () => {
    const { clock, destroyed, workshop, joinWithEnv } = setup();
    const ann = await joinWithEnv("Ann");
    clock.t += 10 * MINUTE;
    await workshop.sweep();
    expect(destroyed).toEqual([ann.envId]);
    expect(ann.events).toEqual([{ type: "env", labId: LAB, reason: "idle" }]);
    const row = workshop.snapshot().learners[0];
    expect(row?.idle).toBe(true);
    expect(row?.ended).toBe(false);
    expect(row?.labs[LAB]?.env).toBe("none");
    // Coming back is activity; a status read is not.
    workshop.assertMayUse(ann.id, LAB, false);
    expect(workshop.snapshot().learners[0]?.idle).toBe(true);
    workshop.assertMayUse(ann.id, LAB, true);
    expect(workshop.snapshot().learners[0]?.idle).toBe(false);
  });

  it("ends a seat on time: environments removed, progress kept, further use refused", async () => {
    const { clock, destroyed, store, workshop, joinWithEnv } = setup();
    const bo = await joinWithEnv("Bo");
    store.recordCheck(bo.id, LAB, "pull-image", true, "ok");
    clock.t += 60 * MINUTE;
    await workshop.sweep();
    expect(destroyed).toEqual([bo.envId]);
    expect(bo.events).toContainEqual({ type: "ended" });
    expect(store.progress(bo.id, LAB).map((p) => p.stepId)).toEqual(["pull-image"]);
    expect(() => workshop.assertMayUse(bo.id, LAB)).toThrow(/session has ended/);
    // More time reopens it.
    workshop.extend(bo.id, 15 * MINUTE);
    expect(() => workshop.assertMayUse(bo.id, LAB)).not.toThrow();
  });

  it("refuses learners without a seat and labs outside the workshop", () => {
    const { store, workshop } = setup();
    const stranger = store.createLearner().id;
    expect(() => workshop.assertMayUse(stranger, LAB)).toThrow(/join it at \/join\//);
    workshop.join(stranger, "Cy");
    expect(() => workshop.assertMayUse(stranger, "galera-cluster")).toThrow(
      /not part of this workshop; its labs: docker-basics/,
    );
  });

  it("reset replaces the environment, clears that lab's progress and tells the learner", async () => {
    const { destroyed, store, sessions, workshop, joinWithEnv } = setup();
    const ann = await joinWithEnv("Ann");
    store.recordCheck(ann.id, LAB, "pull-image", true, "ok");
    await workshop.resetLearner(ann.id, LAB);
    await sessions.settled(ann.id, LAB);
    expect(destroyed).toEqual([ann.envId]);
    const fresh = sessions.statesOf(ann.id).get(LAB)?.envId;
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(ann.envId);
    expect(store.progress(ann.id, LAB)).toEqual([]);
    expect(ann.events).toEqual([{ type: "env", labId: LAB, reason: "reset" }]);
  });

  it("take control needs a running environment and an open shell", async () => {
    const { store, workshop, joinWithEnv } = setup();
    const idle = store.createLearner().id;
    workshop.join(idle, "Dee");
    await expect(workshop.control(idle, LAB, "workstation", true)).rejects.toThrow(WorkshopError);
    const ann = await joinWithEnv("Ann");
    await expect(workshop.control(ann.id, LAB, "workstation", true)).rejects.toThrow(
      /open workstation's terminal before taking control/,
    );
  });

  it("shows each learner's current step, the failing message and the step statistics", async () => {
    const { clock, store, workshop, joinWithEnv } = setup();
    const ann = await joinWithEnv("Ann");
    store.recordReady(ann.id, LAB, clock.t);
    store.recordCheck(ann.id, LAB, "pull-image", true, "ok");
    store.recordCheck(ann.id, LAB, "run-detached", false, "no container named cache");
    const s = workshop.snapshot();
    const lab = s.learners[0]?.labs[LAB];
    expect(lab?.cells["pull-image"]?.state).toBe("done");
    expect(lab?.cells["run-detached"]).toEqual({
      state: "failing",
      attempts: 1,
      message: "no container named cache",
    });
    expect(lab?.currentStep).toBe("run-detached");
    expect(s.stats.find((x) => x.stepId === "run-detached")).toMatchObject({
      attempted: 1,
      failedChecks: 1,
      passed: 0,
    });
    expect(workshop.statsCsv()).toContain("docker-basics,pull-image,Pull the redis:7 image,1,0,1,");
    expect(workshop.firstLesson("en")).toBe("/en/03-docker-basics/");
  });

  it("resumes after its server died: same id, code, key and seats; a new one once it ended", async () => {
    const { clock, workshop, joinWithEnv, again } = setup();
    const { id } = await joinWithEnv("Ada");
    clock.t += 5 * MINUTE;
    const resumed = again();
    expect(resumed.resumed).toBe(true);
    expect(resumed.id).toBe(workshop.id);
    expect(resumed.room.code).toBe(workshop.room.code);
    expect(resumed.room.isInstructor(workshop.room.instructorKey)).toBe(true);
    expect(resumed.room.seat(id)).toMatchObject({ name: "Ada", lastActiveAt: clock.t });
    expect(resumed.room.active(id)).toBe(true);
    expect(() => resumed.assertMayUse(id, LAB)).not.toThrow();
    await resumed.close();
    const fresh = again();
    expect(fresh.resumed).toBe(false);
    expect(fresh.id).not.toBe(workshop.id);
    expect(fresh.room.seat(id)).toBeUndefined();
  });
});
