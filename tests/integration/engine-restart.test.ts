// The Docker engine restarted under a running lab server: a second dockerd of the test's own
// (fresh-engine.ts, with --live-restore) runs a learner's environment; the learner writes a file
// in it; dockerd is stopped with SIGTERM. While it is down the server stays up and answers 503
// "engine-unavailable" to status, checks and starts (nothing is marked failed or removed). Then
// dockerd is started again on the same data root, and with no call from anyone the same
// environment is ready again: the same container, not restarted, the file still there, the
// check passes, and a new terminal opens. The machine's own engine is never stopped: it only
// lends the workstation image (docker save | docker load).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { DEFAULT_PATHS } from "../../src/lab/catalog.ts";
import { parseLab } from "../../src/lab/loader.ts";
import { decodeFrame, encodeInput, encodeJson, Op } from "../../src/protocol/terminal.ts";
import { dockerClient } from "../../src/server/docker/client.ts";
import { ImageBuilder } from "../../src/server/docker/images/builder.ts";
import { envFilter } from "../../src/server/docker/labels.ts";
import { startServer, type RunningServer } from "../../src/server/http/server.ts";
import { DockerProvisioner } from "../../src/server/provisioner/docker/docker-provisioner.ts";
import { FreshEngine } from "./fresh-engine.ts";

const LAB = "engine-restart";
/** One workstation host; the check reads a file the learner wrote in the terminal. */
const LAB_YAML = `
format: 1
id: ${LAB}
title: "Engine restart"
summary: "A file written before a dockerd restart is still there after it."
workstation: workstation
grader: workstation
hosts:
  workstation:
    image: workstation
    memory: 64m
    cpus: 0.25
    pids: 64
steps:
  - id: marker
    title: "Write the marker"
    check:
      run: test "$(cat /tmp/marker)" = survived-2
    solve:
      run: echo survived-2 > /tmp/marker
    wrong:
      - name: another text
        script:
          run: echo lost > /tmp/marker
`;
const lab = parseLab(LAB_YAML, path.join(tmpdir(), "archlab-tests", LAB, "lab.yaml"));
const CHECK = `/api/labs/${LAB}/steps/marker/check`;
const ENV = `/api/labs/${LAB}/env`;

const fresh = new FreshEngine({ args: ["--live-restore"] });
const work = mkdtempSync(path.join(tmpdir(), "archlab-engine-restart-"));
let server: RunningServer | undefined;
let cookie = "";

interface Reply {
  status: number;
  json: {
    state?: string;
    envId?: string;
    passed?: boolean;
    message?: string;
    error?: { code: string; message: string };
  };
}

async function call(method: string, urlPath: string): Promise<Reply> {
  const res = await fetch(`${server?.url}${urlPath}`, {
    method,
    headers: { origin: server?.url ?? "", ...(cookie ? { cookie } : {}) },
  });
  const setCookie = res.headers.get("set-cookie");
  if (setCookie) cookie = setCookie.split(";")[0] as string;
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Reply["json"] };
}

async function until<T>(what: string, test: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await test().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A terminal WebSocket as the page opens it; resolves `opened` at the server's HELLO. */
function terminal(envId: string) {
  const url = (server?.url ?? "").replace(/^http/, "ws");
  const ws = new WebSocket(`${url}/ws/terminal`, { headers: { origin: server?.url, cookie } });
  let text = "";
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.once("close", (code, reason) => reject(new Error(`terminal closed ${code} ${reason}`)));
    ws.once("open", () =>
      ws.send(encodeJson(Op.HELLO, { envId, host: "workstation", cols: 100, rows: 30 })),
    );
    ws.on("message", (raw: Buffer) => {
      const frame = decodeFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      if (frame.op === Op.HELLO) resolve();
      else if (frame.op === Op.OUTPUT) text += Buffer.from(frame.data).toString();
    });
  });
  return {
    opened,
    type: (line: string) => ws.send(encodeInput(`${line}\r`)),
    waitFor: (re: RegExp) =>
      until(`the terminal shows ${re}`, async () => (re.test(text) ? true : undefined), 30_000),
    close: () => ws.close(1000),
  };
}

beforeAll(async () => {
  await fresh.start();
  // The one image the lab needs, lent by the machine's engine (global-setup built it).
  const main = dockerClient();
  const ref = await new ImageBuilder(main, DEFAULT_PATHS.imagesDir).resolve("workstation");
  const t0 = Date.now();
  const saved = await main.getImage(ref).get();
  const loading = await fresh.docker.loadImage(saved);
  await new Promise<void>((resolve, reject) =>
    fresh.docker.modem.followProgress(loading, (err) => (err ? reject(err) : resolve())),
  );
  console.log(`[engine-restart] loaded ${ref} into the test's engine in ${Date.now() - t0} ms`);
  const images = new ImageBuilder(fresh.docker, DEFAULT_PATHS.imagesDir);
  server = await startServer({
    host: "127.0.0.1",
    port: 0,
    siteDir: path.join(work, "no-site"),
    dbFile: path.join(work, "engine-restart.db"),
    labs: [lab],
    provisioner: new DockerProvisioner(fresh.docker, images),
  });
}, 300_000);

afterAll(async () => {
  // The server removes its environments only if the engine answers: bring it back first.
  if (!fresh.running) await fresh.start().catch(() => undefined);
  await server?.close().catch(() => undefined);
  await fresh.stop();
  rmSync(work, { recursive: true, force: true });
}, 180_000);

describe("a dockerd restart under a running lab server", () => {
  it("answers engine-unavailable while it is down, then gives the same environment back", async () => {
    expect((await call("POST", "/api/session")).status).toBe(201);
    expect((await call("POST", ENV)).status).toBe(202);
    const envId = await until(
      "the lab is ready",
      async () => {
        const r = await call("GET", ENV);
        if (r.json.state === "failed") throw new Error(JSON.stringify(r.json));
        return r.json.state === "ready" ? r.json.envId : undefined;
      },
      60_000,
    );
    // The learner writes a file in their terminal; the check sees it.
    const before = terminal(envId);
    await before.opened;
    before.type("echo survived-$((1+1)) > /tmp/marker; echo WROTE-$((2+2))");
    await before.waitFor(/WROTE-4/);
    expect((await call("POST", CHECK)).json).toMatchObject({ passed: true });
    const [container] = await fresh.docker.listContainers({ filters: envFilter(envId) });
    const startedAt = (await fresh.docker.getContainer(container?.Id ?? "").inspect()).State
      .StartedAt;

    // dockerd goes away.
    const t0 = Date.now();
    await fresh.kill("SIGTERM");
    expect(fresh.running).toBe(false);
    const check = await call("POST", CHECK);
    expect(check, JSON.stringify(check.json)).toMatchObject({
      status: 503,
      json: { error: { code: "engine-unavailable" } },
    });
    for (const [method, url] of [
      ["GET", ENV],
      ["POST", ENV],
    ] as const) {
      const r = await call(method, url);
      expect(r, `${method} ${url}: ${JSON.stringify(r.json)}`).toMatchObject({
        status: 503,
        json: { error: { code: "engine-unavailable" } },
      });
    }
    // The server itself is up, and still knows whose environment it is.
    expect((await call("GET", "/api/health")).status).toBe(200);
    expect(server?.sessions.owner(envId)).toBeDefined();
    before.close();

    // dockerd comes back on the same data root; nobody calls anything but the status.
    const t1 = Date.now();
    await fresh.start();
    const engineMs = Date.now() - t1;
    const again = await until(
      "the environment is ready again",
      async () => {
        const r = await call("GET", ENV);
        return r.status === 200 ? r.json : undefined;
      },
      30_000,
    );
    const readyMs = Date.now() - t0;
    expect(again).toMatchObject({ state: "ready", envId });
    console.log(
      `[engine-restart] dockerd down ${t1 - t0} ms, answering ${engineMs} ms after its start; ` +
        `the environment ready again ${readyMs} ms after SIGTERM (${Date.now() - t1} ms after the start)`,
    );
    // The same container, never restarted: the file the learner wrote is still there.
    const info = await fresh.docker.getContainer(container?.Id ?? "").inspect();
    expect(info.State.Running).toBe(true);
    expect(info.State.StartedAt).toBe(startedAt);
    expect((await call("POST", CHECK)).json).toMatchObject({ passed: true });
    // A new terminal opens in it.
    const after = terminal(envId);
    await after.opened;
    after.type("cat /tmp/marker; echo AFTER-$((3+3))");
    await after.waitFor(/survived-2[\s\S]*AFTER-6/);
    after.close();
  });
});
