// The lab API and the terminal WebSocket through a real HTTP server on port 0, built by the
// composition root (startServer -> buildApp) on the in-memory FakeProvisioner: start a lab,
// its status, a check that fails then passes, a reset, and the refusals (unknown lab or step,
// bad language, no or forged cookie, foreign Origin on the API and on the WebSocket, a shell
// that is not yours). The same routes on the real engine: tests/e2e/server-errors.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadLabById } from "../../lab/catalog.ts";
import {
  decodeFrame,
  encodeInput,
  encodeJson,
  Op,
  type Frame,
  type ServerHello,
} from "../../protocol/terminal.ts";
import type { EnvStatus } from "../../protocol/lab-api.ts";
import { ImageMissingError } from "../docker/images/builder.ts";
import { FakeProvisioner } from "../testing/fake-provisioner.ts";
import { startUnitServer } from "../testing/unit-server.ts";
import type { RunningServer } from "./server.ts";

const LAB = "docker-basics";
const fake = new FakeProvisioner();
let server: RunningServer;

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
  cookie?: string;
}

async function call(method: string, url: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + url, { method, headers });
  const answer: Answer = { status: res.status, body: (await res.json()) as Answer["body"] };
  const setCookie = res.headers.get("set-cookie");
  if (setCookie) answer.cookie = setCookie.split(";")[0] as string;
  return answer;
}

async function newLearner(): Promise<string> {
  const res = await call("POST", "/api/session");
  expect(res.status).toBe(201);
  return res.cookie as string;
}

async function readyStatus(cookie: string): Promise<EnvStatus> {
  for (let i = 0; i < 100; i++) {
    const res = await call("GET", `/api/labs/${LAB}/env`, { cookie });
    const status = res.body as unknown as EnvStatus;
    if (status.state === "ready" || status.state === "failed") return status;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the environment never became ready");
}

beforeAll(async () => {
  server = await startUnitServer(fake, [loadLabById(LAB)]);
});
afterAll(async () => server?.close());

describe("the lab API on a fake provisioner", () => {
  it("reaped once at start, and answers health with the served labs", async () => {
    expect(fake.reaps).toBe(1);
    expect(await call("GET", "/api/health")).toMatchObject({
      status: 200,
      body: { ok: true, labs: [LAB] },
    });
  });

  it("gives a learner a cookie once, then knows them", async () => {
    const cookie = await newLearner();
    expect(cookie).toMatch(/^archlab_learner=\S+$/);
    expect(await call("POST", "/api/session", { cookie })).toMatchObject({
      status: 200,
      body: { created: false },
    });
  });

  it("starts a lab, reports it ready with its tabs, checks a step, and resets it", async () => {
    const cookie = await newLearner();
    const none = await call("GET", `/api/labs/${LAB}/env`, { cookie });
    expect(none.body).toMatchObject({ state: "none" });

    const started = await call("POST", `/api/labs/${LAB}/env`, { cookie });
    expect(started.status).toBe(202);
    const ready = await readyStatus(cookie);
    expect(ready).toMatchObject({ state: "ready", tabs: ["workstation"] });
    const envId = ready.envId as string;
    expect(fake.envs.get(envId)?.labId).toBe(LAB);

    // The check runs on the lab's grader host, behind the library, in the page's language.
    fake.answer = () => ({ exitCode: 1, stdout: "no image yet\nexpected: nginx\nactual: none" });
    const failed = await call("POST", `/api/labs/${LAB}/steps/pull-image/check?lang=zh`, {
      cookie,
    });
    expect(failed).toMatchObject({
      status: 200,
      body: { passed: false, message: "no image yet", expected: "nginx", actual: "none" },
    });
    expect(failed.body).not.toHaveProperty("details");
    const run = fake.execs.at(-1);
    expect(run).toMatchObject({ envId, host: "grader" });
    expect((run?.command as { script: string }).script).toMatch(/^ARCHLAB_LANG=zh\n/);

    fake.answer = () => ({ exitCode: 0, stdout: "the image is here" });
    const passed = await call("POST", `/api/labs/${LAB}/steps/pull-image/check`, { cookie });
    expect(passed.body).toMatchObject({ passed: true, message: "the image is here" });
    const progress = await call("GET", `/api/labs/${LAB}/progress`, { cookie });
    expect(progress.body.steps).toEqual([
      expect.objectContaining({ stepId: "pull-image", passed: true, attempts: 2 }),
    ]);

    const reset = await call("POST", `/api/labs/${LAB}/env/reset`, { cookie });
    expect(reset.status).toBe(202);
    const again = await readyStatus(cookie);
    expect(again.envId).not.toBe(envId);
    expect(fake.destroyed).toContain(envId);
    expect((await call("GET", `/api/labs/${LAB}/progress`, { cookie })).body.steps).toEqual([]);

    expect(await call("DELETE", `/api/labs/${LAB}/env`, { cookie })).toMatchObject({
      status: 200,
    });
    expect(fake.envs.has(again.envId as string)).toBe(false);
  });

  it("reports a failed start with its hint", async () => {
    const cookie = await newLearner();
    fake.failNextCreate = new ImageMissingError("workstation");
    await call("POST", `/api/labs/${LAB}/env`, { cookie });
    const failed = await readyStatus(cookie);
    expect(failed.state).toBe("failed");
    expect(failed.error).toMatchObject({ code: "image-missing" });
    expect(failed.error?.hint).toContain("A lab image is missing");
  });

  it("refuses what it cannot do with the right status, a code and a message that says why", async () => {
    const cookie = await newLearner();
    const unknownLab = await call("GET", "/api/labs/docker-basic/env", { cookie });
    expect(unknownLab.status).toBe(404);
    expect(unknownLab.body.error).toMatchObject({ code: "unknown-lab" });
    expect(unknownLab.body.error?.message).toBe(
      `unknown lab "docker-basic" (did you mean "docker-basics"?); known labs: ${LAB}`,
    );
    // A malformed id is never looked up, and is answered the same way.
    const malformed = await call("GET", "/api/labs/Bad_Id!/env", { cookie });
    expect(malformed).toMatchObject({ status: 404, body: { error: { code: "unknown-lab" } } });

    const step = await call("POST", `/api/labs/${LAB}/steps/nope/check`, { cookie });
    expect(step).toMatchObject({ status: 404, body: { error: { code: "unknown-step" } } });
    expect(step.body.error?.message).toContain("its steps: pull-image, run-detached");

    const early = await call("POST", `/api/labs/${LAB}/steps/pull-image/check`, { cookie });
    expect(early).toMatchObject({ status: 409, body: { error: { code: "no-environment" } } });

    const lang = await call("POST", `/api/labs/${LAB}/steps/pull-image/check?lang=fr`, { cookie });
    expect(lang).toMatchObject({ status: 400, body: { error: { code: "bad-lang" } } });
    expect(lang.body.error?.message).toBe('unknown language "fr" in ?lang=: use one of zh, en');

    expect(await call("GET", `/api/labs/${LAB}/env`)).toMatchObject({
      status: 401,
      body: { error: { code: "no-session" } },
    });
    expect(
      await call("GET", `/api/labs/${LAB}/env`, { cookie: "archlab_learner=forged" }),
    ).toMatchObject({ status: 403, body: { error: { code: "bad-session" } } });

    const foreign = await call("POST", `/api/labs/${LAB}/env`, {
      cookie,
      origin: "http://evil.example",
    });
    expect(foreign).toMatchObject({ status: 403, body: { error: { code: "foreign-origin" } } });
    expect(foreign.body.error?.message).toBe("requests from http://evil.example are not allowed");
    // A sandboxed preview page's opaque origin is foreign too (it was a 500 before).
    const opaque = await call("POST", `/api/labs/${LAB}/env`, { cookie, origin: "null" });
    expect(opaque).toMatchObject({ status: 403, body: { error: { code: "foreign-origin" } } });
    // Same-origin changes and cross-origin reads are fine.
    const own = new URL(server.url).origin;
    expect((await call("GET", `/api/labs/${LAB}/env`, { cookie, origin: own })).status).toBe(200);
    expect(
      (await call("GET", `/api/labs/${LAB}/env`, { cookie, origin: "http://evil.example" })).status,
    ).toBe(200);
    expect(fake.envs.size).toBe(0);

    expect(await call("GET", "/api/nothing-here")).toMatchObject({
      status: 404,
      body: { error: { code: "not-found" } },
    });
    expect(await call("GET", "/api/workshop/info")).toMatchObject({
      status: 404,
      body: { error: { code: "not-a-workshop" } },
    });
    expect(await call("PUT", "/somewhere")).toMatchObject({
      status: 405,
      body: { error: { code: "method" } },
    });
  });
});

/** A terminal WebSocket with its frames collected. */
function terminal(headers: Record<string, string>) {
  const ws = new WebSocket(server.url.replace("http", "ws") + "/ws/terminal", { headers });
  const frames: Frame[] = [];
  ws.on("message", (raw: Buffer) => frames.push(decodeFrame(new Uint8Array(raw))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const refused = new Promise<number>((resolve) =>
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
  );
  const opened = new Promise<void>((resolve) => ws.on("open", () => resolve()));
  return { ws, frames, closed, refused, opened };
}

async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(test()).toBe(true);
}

describe("the terminal WebSocket on a fake provisioner", () => {
  let cookie = "";
  let envId = "";
  beforeAll(async () => {
    cookie = await newLearner();
    await call("POST", `/api/labs/${LAB}/env`, { cookie });
    envId = (await readyStatus(cookie)).envId as string;
  });

  it("refuses upgrades from a foreign origin (403) or without a cookie (401)", async () => {
    expect(await terminal({ cookie, origin: "http://evil.example" }).refused).toBe(403);
    expect(await terminal({ cookie }).refused).toBe(403); // no Origin at all
    expect(await terminal({ origin: new URL(server.url).origin }).refused).toBe(401);
  });

  it("opens the learner's shell: HELLO names it, keys are echoed, a reconnect resumes", async () => {
    const origin = new URL(server.url).origin;
    const t = terminal({ cookie, origin });
    await t.opened;
    t.ws.send(encodeJson(Op.HELLO, { envId, host: "workstation", cols: 100, rows: 30 }));
    await until(() => t.frames.some((f) => f.op === Op.HELLO));
    const hello = (t.frames.find((f) => f.op === Op.HELLO) as { json: ServerHello }).json;
    expect(hello).toMatchObject({ host: "workstation", offset: 0, readOnly: false });
    const shell = fake.shells.at(-1);
    expect(shell).toMatchObject({ envId, host: "workstation", size: { cols: 100, rows: 30 } });

    t.ws.send(encodeInput("ls\r"));
    const output = () =>
      t.frames.map((f) => (f.op === Op.OUTPUT ? new TextDecoder().decode(f.data) : "")).join("");
    await until(() => output() === "ls\r");
    t.ws.close();
    await t.closed;

    const back = terminal({ cookie, origin });
    await back.opened;
    back.ws.send(
      encodeJson(Op.HELLO, {
        envId,
        host: "workstation",
        cols: 100,
        rows: 30,
        resumeFrom: 3,
        shell: hello.shell,
      }),
    );
    await until(() => back.frames.some((f) => f.op === Op.HELLO));
    expect(back.frames.find((f) => f.op === Op.HELLO)).toMatchObject({
      json: { offset: 3, shell: hello.shell },
    });
    expect(fake.shells.filter((s) => s.envId === envId)).toHaveLength(1);
    back.ws.close();
  });

  it("closes with 4403 on another learner's environment or a host without a terminal", async () => {
    const origin = new URL(server.url).origin;
    const stranger = await newLearner();
    const t = terminal({ cookie: stranger, origin });
    await t.opened;
    t.ws.send(encodeJson(Op.HELLO, { envId, host: "workstation", cols: 80, rows: 24 }));
    expect((await t.closed).code).toBe(4403);

    const grader = terminal({ cookie, origin });
    await grader.opened;
    grader.ws.send(encodeJson(Op.HELLO, { envId, host: "grader", cols: 80, rows: 24 }));
    expect((await grader.closed).code).toBe(4403);

    const bad = terminal({ cookie, origin });
    await bad.opened;
    bad.ws.send(encodeJson(Op.HELLO, { envId: "../etc", host: "workstation", cols: 80, rows: 24 }));
    const closed = await bad.closed;
    expect(closed).toMatchObject({ code: 4400, reason: "hello.envId is not an environment id" });
  });

  it("removes the shell when the environment goes", async () => {
    await call("DELETE", `/api/labs/${LAB}/env`, { cookie });
    expect(fake.shells.filter((s) => s.envId === envId).every((s) => s.closed)).toBe(true);
  });
});
