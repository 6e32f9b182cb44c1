// A Docker engine restart on the fake provisioner (its `engineDown` makes every call throw
// EngineUnavailableError, as the Docker provisioner does while dockerd restarts): the lab API
// answers 503 "engine-unavailable" to status, starts and checks, marks nothing failed, removes
// and forgets nothing, records no check attempt, and answers as before once the engine is back;
// a start the outage interrupted stays "starting" and finishes by itself; the reaper and the
// disk guard skip their rounds and the outage is logged once. On the real engine:
// tests/integration/engine-restart.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLabById } from "../../lab/catalog.ts";
import type { EnvStatus } from "../../protocol/lab-api.ts";
import { buildApp } from "../app.ts";
import { engineDidNotAnswer } from "../provisioner/docker/engine-errors.ts";
import { EngineUnavailableError } from "../provisioner/types.ts";
import { Store } from "../storage/store.ts";
import { FakeProvisioner } from "../testing/fake-provisioner.ts";
import { startUnitServer } from "../testing/unit-server.ts";
import type { RunningServer } from "./server.ts";

const LAB = "docker-basics";
const STEP = "pull-image";
const fake = new FakeProvisioner();
let server: RunningServer;

async function call(method: string, url: string, cookie?: string) {
  const res = await fetch(server.url + url, { method, headers: cookie ? { cookie } : {} });
  const body = (await res.json()) as Record<string, unknown> & {
    error?: { code: string; message: string };
  };
  return { status: res.status, body, cookie: res.headers.get("set-cookie")?.split(";")[0] };
}

async function until(what: string, test: () => boolean | Promise<boolean>, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function learnerWithReadyLab(): Promise<{ cookie: string; envId: string }> {
  const cookie = (await call("POST", "/api/session")).cookie as string;
  expect((await call("POST", `/api/labs/${LAB}/env`, cookie)).status).toBe(202);
  let envId = "";
  await until("the lab is ready", async () => {
    const status = (await call("GET", `/api/labs/${LAB}/env`, cookie)).body as unknown as EnvStatus;
    envId = status.envId ?? "";
    return status.state === "ready";
  });
  return { cookie, envId };
}

beforeAll(async () => {
  server = await startUnitServer(fake, [loadLabById(LAB)]);
});
afterAll(async () => {
  fake.engineDown = false;
  await server?.close();
});

describe("the lab API while the engine restarts", () => {
  it("answers 503 engine-unavailable, loses nothing, and answers as before once it is back", async () => {
    const { cookie, envId } = await learnerWithReadyLab();
    const { engine } = server.app;
    fake.engineDown = true;
    expect(await engine.check()).toBe(false);

    for (const [method, url] of [
      ["GET", `/api/labs/${LAB}/env`],
      ["POST", `/api/labs/${LAB}/env`],
      ["POST", `/api/labs/${LAB}/env/reset`],
      ["POST", `/api/labs/${LAB}/steps/${STEP}/check`],
    ] as const) {
      const res = await call(method, url, cookie);
      expect(res, `${method} ${url}`).toMatchObject({
        status: 503,
        body: { error: { code: "engine-unavailable" } },
      });
    }
    // Progress is the database's: it still answers.
    expect((await call("GET", `/api/labs/${LAB}/progress`, cookie)).status).toBe(200);
    // Nothing was marked failed, removed or forgotten.
    expect(fake.destroyed).not.toContain(envId);
    expect(fake.envs.has(envId)).toBe(true);
    expect(server.app.sessions.owner(envId)).toBeDefined();

    fake.engineDown = false;
    expect(await engine.check()).toBe(true);
    const back = await call("GET", `/api/labs/${LAB}/env`, cookie);
    expect(back).toMatchObject({ status: 200, body: { state: "ready", envId } });
    fake.answer = () => ({ exitCode: 0, stdout: "ok" });
    const check = await call("POST", `/api/labs/${LAB}/steps/${STEP}/check`, cookie);
    expect(check).toMatchObject({ status: 200, body: { passed: true } });
  });

  it("a check that meets the outage is a 503 and no attempt, and marks the engine down", async () => {
    const { cookie } = await learnerWithReadyLab();
    const { engine } = server.app;
    expect(engine.up).toBe(true);
    fake.engineDown = true;
    const res = await call("POST", `/api/labs/${LAB}/steps/${STEP}/check`, cookie);
    expect(res).toMatchObject({ status: 503, body: { error: { code: "engine-unavailable" } } });
    expect(engine.up).toBe(false);
    fake.engineDown = false;
    expect((await call("GET", `/api/labs/${LAB}/progress`, cookie)).body.steps).toEqual([]);
    // It recovers by itself: the health check pings every second while the engine is down.
    await until("the engine is up again", () => engine.up, 3000);
    expect((await call("GET", `/api/labs/${LAB}/env`, cookie)).body.state).toBe("ready");
  });

  it("a start the outage interrupted stays starting and finishes once the engine is back", async () => {
    const cookie = (await call("POST", "/api/session")).cookie as string;
    let release: () => void = () => {};
    fake.gate = new Promise((r) => (release = r));
    expect((await call("POST", `/api/labs/${LAB}/env`, cookie)).status).toBe(202);
    fake.engineDown = true;
    release();
    await until("the engine is known down", () => !server.app.engine.up);
    expect((await call("GET", `/api/labs/${LAB}/env`, cookie)).status).toBe(503);
    fake.gate = Promise.resolve();
    fake.engineDown = false;
    await until(
      "the interrupted start is ready",
      async () => (await call("GET", `/api/labs/${LAB}/env`, cookie)).body.state === "ready",
    );
  });
});

/** The whole server graph on a fake provisioner, pinging the engine only while it is down. */
async function appOnFake(extra: Partial<Parameters<typeof buildApp>[0]> = {}) {
  const provisioner = new FakeProvisioner();
  const lines: string[] = [];
  const app = buildApp({
    provisioner,
    store: new Store(":memory:"),
    labs: [loadLabById(LAB)],
    owner: "server:test",
    engineCheck: { upEveryMs: 0, downEveryMs: 10 },
    log: (line) => lines.push(line),
    ...extra,
  });
  await app.resume();
  const lab = app.labs.get(LAB);
  if (!lab) throw new Error("no lab");
  return { provisioner, lines, app, lab };
}

describe("the server's rounds while the engine does not answer", () => {
  it("reaper and disk guard skip them, the outage is logged once, nothing is removed", async () => {
    const { provisioner, lines, app, lab } = await appOnFake({
      reapEveryMs: 10,
      disk: { everyMs: 10, capBytes: 1 },
    });
    const learner = app.store.createLearner().id;
    app.sessions.start(learner, lab);
    await app.sessions.settled(learner, LAB);
    const envId = app.sessions.status(learner, lab).envId as string;
    provisioner.written.set(envId, 0);

    provisioner.engineDown = true;
    app.engine.noteFailure(new EngineUnavailableError({ code: "ECONNREFUSED" }));
    const reaps = provisioner.reaps;
    await new Promise((r) => setTimeout(r, 150));
    expect(provisioner.reaps).toBe(reaps);
    expect(lines.filter((l) => l.includes("does not answer"))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("disk guard"))).toEqual([]);
    expect(app.sessions.status(learner, lab)).toMatchObject({ state: "ready", envId });
    expect(provisioner.destroyed).toEqual([]);

    provisioner.engineDown = false;
    await until("the engine is up", () => app.engine.up);
    await until("a reaping round ran", () => provisioner.reaps > reaps);
    expect(lines.filter((l) => l.includes("answers again"))).toHaveLength(1);
    await app.close();
  });
});

describe("after the engine is back", () => {
  it("an environment the engine stopped (no live-restore) is reported, not shown ready", async () => {
    const { provisioner, app, lab } = await appOnFake();
    const [kept, stopped] = [app.store.createLearner().id, app.store.createLearner().id];
    for (const learner of [kept, stopped]) {
      app.sessions.start(learner, lab);
      await app.sessions.settled(learner, LAB);
    }
    const keptEnv = app.sessions.status(kept, lab).envId as string;
    const stoppedEnv = app.sessions.status(stopped, lab).envId as string;

    provisioner.engineDown = true;
    app.engine.noteFailure(new EngineUnavailableError({ code: "ECONNREFUSED" }));
    for (const host of provisioner.envs.get(stoppedEnv)?.hosts ?? []) host.state = "exited";
    provisioner.engineDown = false;
    await until("the stopped environment is reported", () =>
      Promise.resolve(app.sessions.status(stopped, lab).state === "failed"),
    );
    expect(app.sessions.status(stopped, lab).error?.message).toMatch(/without live-restore/);
    expect(app.sessions.status(kept, lab)).toMatchObject({ state: "ready", envId: keptEnv });
    expect(provisioner.destroyed).toEqual([stoppedEnv]);
    await app.close();
  });
});

describe("engineDidNotAnswer", () => {
  it("knows a refused, missing or dropped socket by its code, and nothing else", () => {
    const err = (code: string, syscall?: string) =>
      Object.assign(new Error("x"), { code, syscall });
    expect(engineDidNotAnswer(err("ECONNREFUSED", "connect"))).toBe(true);
    expect(engineDidNotAnswer(err("ENOENT", "connect"))).toBe(true);
    expect(engineDidNotAnswer(err("ECONNRESET"))).toBe(true);
    expect(engineDidNotAnswer(err("EPIPE", "write"))).toBe(true);
    expect(engineDidNotAnswer(err("ENOENT", "open"))).toBe(false);
    expect(
      engineDidNotAnswer(Object.assign(new Error("no such container"), { statusCode: 404 })),
    ).toBe(false);
    expect(engineDidNotAnswer(new EngineUnavailableError())).toBe(true);
  });
});
