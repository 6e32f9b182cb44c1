// The lab server killed with SIGKILL while a learner works, and started again on the same
// database: the learner's environment is taken back from the engine's labels (same id, status
// "ready"), their progress is intact, the environment's state survived (the check still passes),
// and the terminal works again. The old shell does not survive (a Docker exec cannot be
// attached twice), so the terminal gets a new shell and a HELLO naming another shell.
// `serve` runs as a child process, as a learner's server does. A workshop resumes the same way;
// and what a dead server left is still reaped once the grace period for a restart is over.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { spawnSync as run } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { LABEL } from "../../src/server/docker/labels.ts";
import {
  decodeFrame,
  encodeInput,
  encodeJson,
  Op,
  type ServerHello,
} from "../../src/protocol/terminal.ts";
import { findStrays, reap } from "../../src/server/provisioner/docker/reaper.ts";
import { CLI_OWNER } from "../../src/server/provisioner/owner.ts";
import { bootId, SERVER_REGISTRY_DIR } from "../../src/server/provisioner/server-identity.ts";
import { engine, host, objectsOf, spec } from "./helpers.ts";

const LAB = "web-tier";
const STEP = "run-gunicorn";
const BIN = path.resolve(import.meta.dirname, "../../bin/archlab.js");
const dbFile = path.join(mkdtempSync(path.join(tmpdir(), "archlab-restart-")), "restart.db");
let port = 0;
let base = "";
let cookie = "";
let server: ChildProcess | undefined;
let envId = "";

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port: p } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return p;
}

interface Started {
  child: ChildProcess;
  ms: number;
  stdout: () => string;
  stderr: () => string;
}

/** `archlab serve` on `port`; resolves once it says it serves, with how long that took. */
function startServe(): Promise<Started> {
  return startArchlab(
    ["serve", "--port", String(port), "--db", dbFile, "--no-build"],
    "archlab is serving",
  );
}

async function startArchlab(args: string[], readyText: string): Promise<Started> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes(readyText)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
  return { child, ms: Date.now() - t0, stdout: () => out, stderr: () => err };
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

interface Reply {
  state?: string;
  envId?: string;
  passed?: boolean;
  message?: string;
  steps?: { stepId: string; passed: boolean; attempts: number }[];
  name?: string;
  ended?: boolean;
  learners?: { name: string }[];
  error?: { code: string; message: string };
}

function call(
  method: string,
  urlPath: string,
  body?: unknown,
  asCookie = cookie,
): Promise<{ status: number; json: Reply }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${urlPath}`,
      {
        method,
        headers: {
          origin: base,
          "content-type": "application/json",
          ...(asCookie ? { cookie: asCookie } : {}),
        },
      },
      (res) => {
        const setCookie = res.headers["set-cookie"]?.[0];
        if (setCookie) cookie = setCookie.split(";")[0] as string;
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, json: (text ? JSON.parse(text) : {}) as Reply }),
        );
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await test().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** A terminal WebSocket as the learner's page opens it. */
class Terminal {
  text = "";
  offset = 0;
  hello: ServerHello | undefined;
  private readonly ws: WebSocket;
  readonly opened: Promise<void>;

  constructor(host: string, resume?: { offset: number; shell: string }) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws/terminal`, {
      headers: { origin: base, cookie },
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("error", reject);
      this.ws.once("close", (code, reason) =>
        reject(new Error(`terminal closed ${code} ${reason.toString()}`)),
      );
      this.ws.once("open", () => {
        this.ws.send(
          encodeJson(Op.HELLO, {
            envId,
            host,
            cols: 120,
            rows: 30,
            ...(resume ? { resumeFrom: resume.offset, shell: resume.shell } : {}),
          }),
        );
      });
      this.ws.on("message", (raw: Buffer) => {
        const frame = decodeFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
        if (frame.op === Op.HELLO) {
          this.hello = frame.json as ServerHello;
          this.offset = this.hello.offset;
          resolve();
        } else if (frame.op === Op.OUTPUT) {
          this.text += Buffer.from(frame.data).toString();
          this.offset = frame.offset + frame.data.length;
        }
      });
    });
  }

  type(line: string): void {
    this.ws.send(encodeInput(`${line}\r`));
  }

  async waitFor(re: RegExp, timeoutMs = 60_000): Promise<void> {
    await until(`the terminal shows ${re}`, async () => re.test(this.text), timeoutMs);
  }

  close(): void {
    this.ws.close(1000);
  }
}

async function startLab(): Promise<void> {
  expect((await call("POST", `/api/labs/${LAB}/env`)).status).toBe(202);
  await until(
    "the lab is ready",
    async () => {
      const r = await call("GET", `/api/labs/${LAB}/env`);
      if (r.json.state === "failed") throw new Error(JSON.stringify(r.json));
      envId = r.json.envId ?? "";
      return r.json.state === "ready";
    },
    300_000,
  );
}

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (server) await kill9(server);
  if (envId)
    await engine()
      .provisioner.destroy(envId)
      .catch(() => undefined);
});

describe("a lab server restarted with SIGKILL", () => {
  it("gives the learner back the same environment, progress and a working terminal", async () => {
    server = (await startServe()).child;
    expect((await call("POST", "/api/session")).status).toBe(201);
    await startLab();
    const { docker } = engine();

    // The learner works: a marker in the shell, the step solved in it, the check passed.
    const before = new Terminal("web");
    await before.opened;
    before.type("echo MARK-$((40+2))-before");
    await before.waitFor(/MARK-42-before/);
    before.type(
      "gunicorn --daemon --chdir /srv/shop --bind 127.0.0.1:8000 --pid /run/gunicorn.pid " +
        "--error-logfile /var/log/shop/gunicorn.log shop.wsgi:application; " +
        "for _ in $(seq 120); do curl -s -o /dev/null 127.0.0.1:8000/ && break; sleep 0.5; done; " +
        "echo SOLVED-$((1+1))",
    );
    await before.waitFor(/SOLVED-2/, 120_000);
    const check = await call("POST", `/api/labs/${LAB}/steps/${STEP}/check`);
    expect(check.json, JSON.stringify(check.json)).toMatchObject({ passed: true });
    const shellBefore = before.hello?.shell ?? "";
    const offsetBefore = before.offset;

    // SIGKILL: nothing runs on the way out.
    const t0 = Date.now();
    await kill9(server);
    await new Promise((r) => setTimeout(r, 200));
    expect(await objectsOf(docker, envId)).not.toEqual([]);

    const restarted = await startServe();
    server = restarted.child;
    const status = await call("GET", `/api/labs/${LAB}/env`);
    expect(status.json).toMatchObject({ state: "ready", envId });
    const progress = await call("GET", `/api/labs/${LAB}/progress`);
    expect(progress.json.steps?.find((s) => s.stepId === STEP)).toMatchObject({ passed: true });
    // The page's terminal reconnects, resuming where it was in the shell it had.
    const after = new Terminal("web", { offset: offsetBefore, shell: shellBefore });
    await after.opened;
    after.type("echo MARK-$((6*7))-after");
    await after.waitFor(/MARK-42-after/);
    const restartMs = Date.now() - t0;
    console.log(
      `[restart] serving again ${restarted.ms} ms after SIGKILL; terminal working ${restartMs} ms after it`,
    );
    expect(restarted.stderr()).toContain("took back 1 environment");
    // The environment itself was untouched: Gunicorn still runs, the check still passes.
    const again = await call("POST", `/api/labs/${LAB}/steps/${STEP}/check`);
    expect(again.json, JSON.stringify(again.json)).toMatchObject({ passed: true });
    // A Docker exec cannot be attached twice: this is a new shell, from its own first byte, and
    // it does not replay the old shell's screen (the page says "this is a new shell").
    expect(shellBefore).toMatch(/^[a-z0-9]+$/);
    expect(after.hello?.shell).not.toBe(shellBefore);
    expect(after.hello?.offset).toBe(0);
    expect(after.text).not.toContain("MARK-42-before");
    after.close();
    before.close();
    // The environment is owned by the server id kept beside the database.
    const serverId = readFileSync(`${dbFile}.server-id`, "utf8").trim();
    const [container] = await docker.listContainers({
      filters: { label: [`${LABEL.env}=${envId}`] },
    });
    expect(container?.Labels[LABEL.owner]).toBe(`server:${serverId}`);

    // A second server on the same database is refused while this one runs.
    const second = spawnSync(
      process.execPath,
      [BIN, "serve", "--port", "0", "--db", dbFile, "--no-build"],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 },
    );
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`another archlab server (pid ${server.pid})`);

    // A clean stop still removes what the server started.
    await new Promise<void>((resolve) => {
      server?.once("exit", () => resolve());
      server?.kill("SIGTERM");
    });
    expect(await objectsOf(docker, envId)).toEqual([]);
    envId = "";
  });

  it("resumes a workshop: same room, code and instructor link, the seat's environment back", async () => {
    const wsDb = path.join(path.dirname(dbFile), "workshop.db");
    const args = [
      "workshop",
      "--no-prepare",
      "--no-build",
      "--name",
      "Restart test",
      "--labs",
      LAB,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--db",
      wsDb,
    ];
    const READY = "Instructor (keep this private):";
    const announced = (out: string) => ({
      code: /with the code\s+([A-Z0-9]{6})/.exec(out)?.[1] ?? "",
      key: /\/workshop\/instructor\?key=([A-Za-z0-9_-]+)/.exec(out)?.[1] ?? "",
    });
    const first = await startArchlab(args, READY);
    server = first.child;
    const room = announced(first.stdout());
    expect(room.code).toMatch(/^[A-Z0-9]{6}$/);
    cookie = "";
    const joined = await call("POST", "/api/workshop/join", { code: room.code, name: "Ada" });
    expect(joined.status, JSON.stringify(joined.json)).toBe(200);
    await startLab();
    const seatEnv = envId;

    await kill9(server);
    const second = await startArchlab(args, READY);
    server = second.child;
    expect(second.stdout()).toContain('Resumed "Restart test"');
    expect(announced(second.stdout())).toEqual(room);
    expect(second.stderr()).toContain("took back 1 environment");
    // The learner's cookie still holds their seat, and their environment is the same one.
    expect((await call("GET", "/api/workshop/me")).json).toMatchObject({
      name: "Ada",
      ended: false,
    });
    expect((await call("GET", `/api/labs/${LAB}/env`)).json).toMatchObject({
      state: "ready",
      envId: seatEnv,
    });
    // The instructor's cookie from before the restart still opens the dashboard.
    const dashboard = await call(
      "GET",
      "/api/workshop/dashboard",
      undefined,
      `archlab_instructor=${room.key}`,
    );
    expect(dashboard.status).toBe(200);
    expect(dashboard.json.learners?.map((l) => l.name)).toEqual(["Ada"]);
    const term = new Terminal("web");
    await term.opened;
    term.type("echo SEAT-$((6*7))");
    await term.waitFor(/SEAT-42/);
    term.close();

    // Ctrl+C ends the workshop and removes its environments; the next start is a new workshop.
    await new Promise<void>((resolve) => {
      server?.once("exit", () => resolve());
      server?.kill("SIGINT");
    });
    expect(await objectsOf(engine().docker, seatEnv)).toEqual([]);
    envId = "";
    const third = await startArchlab(args, READY);
    server = third.child;
    expect(third.stdout()).not.toContain("Resumed");
    expect(announced(third.stdout()).code).not.toBe("");
    await kill9(server);
  });

  it("still reaps what a server left if it is not started again in time; keeps the CLI's", async () => {
    const { docker, provisioner } = engine();
    // Two servers that died (registered, process gone): one 20 minutes ago, one just now.
    const dead = run("true").pid as number;
    const ids = [randomBytes(6).toString("hex"), randomBytes(6).toString("hex")];
    mkdirSync(SERVER_REGISTRY_DIR, { recursive: true });
    for (const id of ids) {
      writeFileSync(
        path.join(SERVER_REGISTRY_DIR, id),
        JSON.stringify({ pid: dead, boot: bootId(), start: "1", db: "/nowhere.db" }),
      );
    }
    const longAgo = new Date(Date.now() - 20 * 60_000);
    utimesSync(path.join(SERVER_REGISTRY_DIR, ids[0] as string), longAgo, longAgo);
    const gone = await provisioner.create(spec([host("ws")], { owner: `server:${ids[0]}` }));
    const restarting = await provisioner.create(spec([host("ws")], { owner: `server:${ids[1]}` }));
    const cli = await provisioner.create(spec([host("ws")], { owner: CLI_OWNER }));
    try {
      const strays = (await findStrays(docker)).map((s) => s.envId);
      // (Another process's reaper on this machine may have removed it already.)
      expect(strays.includes(gone.id) || (await objectsOf(docker, gone.id)).length === 0).toBe(
        true,
      );
      expect(strays).not.toContain(restarting.id);
      expect(strays).not.toContain(cli.id);
      await reap(docker, provisioner);
      expect(await objectsOf(docker, gone.id)).toEqual([]);
      expect((await objectsOf(docker, restarting.id)).length).toBeGreaterThan(0);
      expect((await objectsOf(docker, cli.id)).length).toBeGreaterThan(0);
    } finally {
      for (const e of [gone, restarting, cli])
        await provisioner.destroy(e.id).catch(() => undefined);
      for (const id of ids) rmSync(path.join(SERVER_REGISTRY_DIR, id), { force: true });
    }
  });
});
