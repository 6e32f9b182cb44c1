// The lab service's verbs and its one change event, on the composition root's graph over the
// FakeProvisioner: start -> "env ready", a check -> "check" (recorded), a reset -> "reset"
// (progress gone, a fresh environment), the refusals as LabError codes, and a workshop
// dashboard that follows the events (the instructor's reset goes through the same verb).
import { describe, expect, it } from "vitest";
import { loadLabById } from "../../lab/catalog.ts";
import { buildApp } from "../app.ts";
import { Store } from "../storage/store.ts";
import { FakeProvisioner } from "../testing/fake-provisioner.ts";
import { LabError, type LabChange } from "./lab-service.ts";

const LAB = "docker-basics";

function setup(workshop = false) {
  const fake = new FakeProvisioner();
  const store = new Store(":memory:");
  const lab = loadLabById(LAB);
  const app = buildApp({
    provisioner: fake,
    store,
    labs: [lab],
    owner: "server:unittest0000",
    lessonPages: new Map(),
    log: () => undefined,
    ...(workshop
      ? {
          workshop: {
            name: "unit",
            labs: [LAB],
            seats: 3,
            sessionMs: 3600_000,
            idleMs: 3600_000,
            pool: { size: 0, memoryBytes: 0 },
            host: "127.0.0.1",
            port: 0,
          },
        }
      : {}),
  });
  const changes: LabChange[] = [];
  app.service.subscribe((c) => changes.push(c));
  const learner = store.createLearner().id;
  return { fake, store, lab, app, changes, learner };
}

describe("LabService", () => {
  it("starts, checks and resets a learner's lab, one event per change", async () => {
    const { fake, store, lab, app, changes, learner } = setup();
    const step = lab.steps[0] as (typeof lab.steps)[number];
    await expect(app.service.check(learner, lab, step, "en")).rejects.toMatchObject({
      code: "no-environment",
    });

    expect(app.service.start(learner, lab).state).toBe("starting");
    await app.sessions.settled(learner, LAB);
    const envId = app.service.status(learner, lab).envId as string;
    expect(changes).toEqual([{ kind: "env", learnerId: learner, labId: LAB, state: "ready" }]);
    expect(store.activity([learner]).map((a) => a.kind)).toContain("ready");

    fake.answer = () => ({ exitCode: 1, stdout: "not yet" });
    expect(await app.service.check(learner, lab, step, "en")).toMatchObject({
      passed: false,
      message: "not yet",
    });
    fake.answer = () => ({ exitCode: 0 });
    const shown = await app.service.check(learner, lab, step, "en");
    expect(shown).toMatchObject({ passed: true, message: "passed" });
    expect(shown).not.toHaveProperty("details");
    expect(app.service.progress(learner, LAB)).toEqual([
      expect.objectContaining({ stepId: step.id, passed: true, attempts: 2 }),
    ]);

    changes.length = 0;
    await app.service.reset(learner, lab);
    await app.sessions.settled(learner, LAB);
    expect(app.service.progress(learner, LAB)).toEqual([]);
    expect(fake.destroyed).toEqual([envId]);
    expect(changes.map((c) => `${c.kind}${"state" in c ? ` ${c.state}` : ""}`)).toEqual([
      "env none",
      "reset",
      "env ready",
    ]);
    await app.close();
    expect(fake.envs.size).toBe(0);
  });

  it("refuses to check a reading step", async () => {
    const { lab, app, learner } = setup();
    const reading = { ...(lab.steps[0] as (typeof lab.steps)[number]), ungraded: true };
    const refused = app.service.check(learner, lab, reading, "en");
    await expect(refused).rejects.toBeInstanceOf(LabError);
    await expect(refused).rejects.toMatchObject({ code: "ungraded" });
  });

  it("the workshop dashboard follows the service's events, and the instructor's reset is the same verb", async () => {
    const { store, lab, app, learner } = setup(true);
    const workshop = app.workshop;
    if (!workshop) throw new Error("no workshop");
    workshop.join(learner, "Ada");
    const pushes: number[] = [];
    workshop.subscribeDashboard(() => pushes.push(Date.now()));
    const pushed = async () => {
      const before = pushes.length;
      for (let i = 0; i < 100 && pushes.length === before; i++)
        await new Promise((r) => setTimeout(r, 5));
      return pushes.length > before;
    };

    app.service.start(learner, lab);
    expect(await pushed()).toBe(true);
    await app.service.check(learner, lab, lab.steps[0] as (typeof lab.steps)[number], "en");
    expect(await pushed()).toBe(true);

    await workshop.resetLearner(learner, LAB);
    expect(await pushed()).toBe(true);
    expect(store.progress(learner, LAB)).toEqual([]);
    await app.close();
  });
});
