// A workshop's life on a real engine, through its HTTP API: the warm pool hands a joining
// learner a ready environment and refills; a seat's time runs out and its environment is
// removed while the progress stays; closing drains the pool; the report is exported after the
// server is gone; bad options get clear errors.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAllLabs } from "../../src/lab/catalog.ts";
import { startServer, type RunningServer } from "../../src/server/http/server.ts";
import { Store } from "../../src/server/storage/store.ts";
import { engine, objectsOf } from "./helpers.ts";

const LAB = "docker-basics";
const BIN = path.resolve(import.meta.dirname, "../../bin/archlab.js");
const SESSION_MS = 25_000;
const dbFile = path.join(mkdtempSync(path.join(tmpdir(), "archlab-workshop-")), "ws.db");
let server: RunningServer;
let cookie = "";

/** The fields of the API's answers these tests read. */
interface Reply {
  state?: string;
  envId?: string;
  ended?: boolean;
  passed?: boolean;
  error?: { code: string; message: string };
}

/** One HTTP call as the learner (the cookie from joining is kept). */
function call(
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; json: Reply }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${urlPath}`,
      { method, headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) } },
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

async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const poolCount = () => server.workshop?.snapshot().workshop.pool[LAB] ?? 0;

beforeAll(async () => {
  const { docker, provisioner } = engine();
  server = await startServer({
    host: "127.0.0.1",
    port: 0,
    siteDir: path.join(tmpdir(), "no-site"),
    dbFile,
    labs: loadAllLabs().labs,
    docker,
    provisioner,
    workshop: {
      name: "Expiry test",
      labs: [LAB],
      seats: 2,
      sessionMs: SESSION_MS,
      idleMs: 3600_000,
      pool: { size: 1, memoryBytes: 4 * 1024 ** 3 },
      host: "127.0.0.1",
      port: 0,
    },
    workshopSweepMs: 300,
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe("a workshop on a real engine", () => {
  let envId = "";
  let learnerId = "";

  it("refuses a wrong code, an empty name and a body that is not JSON, seating nobody", async () => {
    const wrong = await call("POST", "/api/workshop/join", { code: "ZZZZZZ", name: "Eve" });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error?.message).toMatch(/join code is not right/);
    const noName = await call("POST", "/api/workshop/join", {
      code: server.workshop?.room.code,
      name: "   ",
    });
    expect(noName.status).toBe(400);
    expect(noName.json.error?.message).toBe("enter a display name");
    const garbage = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/api/workshop/join`, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end("{not json");
    });
    expect(garbage).toBe(400);
    expect(server.workshop?.room.taken).toBe(0);
    cookie = "";
  });

  it("hands a joining learner a ready environment from the warm pool, then refills it", async () => {
    await until("the pool holds one environment", () => poolCount() === 1);
    const joined = await call("POST", "/api/workshop/join", {
      code: server.workshop?.room.code,
      name: "Ann",
    });
    expect(joined.status).toBe(200);
    // Ready in the very answer to "start": no containers were started for this learner.
    const started = await call("POST", `/api/labs/${LAB}/env`);
    expect(started.json.state).toBe("ready");
    envId = started.json.envId as string;
    expect(await objectsOf(engine().docker, envId)).not.toEqual([]);
    expect(poolCount()).toBe(0);
    await until("the pool is refilled", () => poolCount() === 1);
    learnerId = server.workshop?.snapshot().learners[0]?.id as string;
  }, 240_000);

  it("records a check, then ends the seat on time: environment removed, progress kept", async () => {
    const check = await call("POST", `/api/labs/${LAB}/steps/pull-image/check`);
    expect(check.status).toBe(200);
    expect(check.json.passed).toBe(false);
    await until(
      "the seat has ended",
      async () => (await call("GET", "/api/workshop/me")).json.ended === true,
      SESSION_MS + 30_000,
    );
    await until(
      "the environment is gone",
      async () => (await objectsOf(engine().docker, envId)).length === 0,
      60_000,
    );
    const refused = await call("POST", `/api/labs/${LAB}/env`);
    expect(refused.status).toBe(410);
    expect(refused.json.error?.message).toMatch(/session has ended; your progress is kept/);
    const store = new Store(dbFile);
    try {
      const progress = store.progress(learnerId, LAB);
      expect(progress.find((p) => p.stepId === "pull-image")?.attempts).toBe(1);
    } finally {
      store.close();
    }
    expect(server.workshop?.snapshot().learners[0]?.ended).toBe(true);
  }, 120_000);

  it("removes the pooled environments when the workshop closes", async () => {
    const { provisioner } = engine();
    // This lab's pool only: another process on the machine may keep a pool of other labs.
    const before = (await provisioner.list())
      .filter((e) => e.learner === "pool" && e.labId === LAB)
      .map((e) => e.id);
    expect(before.length).toBe(1);
    await server.close();
    const after = (await provisioner.list()).map((e) => e.id);
    for (const id of before) expect(after).not.toContain(id);
  }, 120_000);

  it("exports the report as CSV after the server has stopped", () => {
    const r = spawnSync(process.execPath, [BIN, "workshop", "report", "--db", dbFile], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\r\n");
    expect(lines[0]).toBe("lab,step,title,attempted,failed_checks,passed,median_seconds_to_pass");
    expect(lines.find((l) => l.startsWith(`${LAB},pull-image,`))).toMatch(/,1,1,0,$/);
    expect(r.stderr).toContain('"Expiry test", 1 learners');
  });
});

describe("archlab workshop options", () => {
  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [BIN, "workshop", "--no-prepare", "--port", "0", "--db", dbFile, ...args],
      {
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
        timeout: 60_000,
      },
    );

  it("names an unknown lab and suggests the right one", () => {
    const r = run("--labs", "docker-basic");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown lab "docker-basic" (did you mean "docker-basics"?)');
  });

  it("says how to write a duration and a seat count", () => {
    const r = run("--labs", "docker-basics", "--session", "soon");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('session: write a duration such as "90s", "45m" or "2h"');
    const s = run("--labs", "docker-basics", "--seats", "many");
    expect(s.status).toBe(1);
    expect(s.stderr).toContain('--seats must be a whole number, not "many"');
  });

  it("asks for labs when none are given", () => {
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("labs: name the labs as a list");
  });
});
