// Workshop benchmarks, each against its baseline in the same run:
//  1. join -> ready prompt: a learner joins, starts the lab and gets a shell prompt over the
//     terminal WebSocket — with the warm pool (size 1) vs. without (pool 0);
//  2. dashboard delay: from a check's answer reaching the learner to the instructor's live
//     snapshot showing it;
//  3. capacity: how many docker-basics learners this machine holds while every terminal's
//     keystroke echo stays under 50 ms p99, with all of them typing at once.
// Run: npx tsx bench/workshop.ts   (needs the images built; ROUNDS, MAX_LEARNERS to change;
//      WORKLOAD=lab makes every learner first do the lab's opening: pull redis:7 and run it)
import { request } from "node:http";
import { WebSocket } from "ws";
import { loadAllLabs } from "../src/lab/catalog.ts";
import { decodeFrame, encodeInput, encodeJson, Op } from "../src/protocol/terminal.ts";
import { SITE_DIR } from "../src/cli/commands/site.ts";
import { startServer, type RunningServer } from "../src/server/http/server.ts";
import type { WorkshopConfig } from "../src/server/workshop/config.ts";
import { engine } from "../tests/integration/helpers.ts";

const LAB = "docker-basics";
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const MAX_LEARNERS = Number(process.env.MAX_LEARNERS ?? 24);
const KEYS = Number(process.env.KEYS ?? 100);
/** What each learner runs before the echo measurement: nothing, or the lab's first steps. */
const WORKLOAD =
  process.env.WORKLOAD === "lab"
    ? "docker pull -q redis:7 && docker run -d --name cache redis:7 && echo WORK-DONE\r"
    : "";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(poolSize: number, seats: number): WorkshopConfig {
  return {
    name: "bench",
    labs: [LAB],
    seats,
    sessionMs: 3600_000,
    idleMs: 3600_000,
    pool: { size: poolSize, memoryBytes: 16 * 1024 ** 3 },
    host: "127.0.0.1",
    port: 0,
  };
}

async function start(poolSize: number, seats = 40): Promise<RunningServer> {
  const { docker, provisioner } = engine();
  return startServer({
    host: "127.0.0.1",
    port: 0,
    siteDir: SITE_DIR,
    dbFile: ":memory:",
    labs: loadAllLabs().labs,
    docker,
    provisioner,
    workshop: config(poolSize, seats),
  });
}

/** A learner's HTTP client: keeps its cookie. */
class Client {
  cookie = "";
  constructor(private readonly base: string) {}
  call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.base}${path}`,
        {
          method,
          headers: {
            "content-type": "application/json",
            ...(this.cookie ? { cookie: this.cookie } : {}),
          },
        },
        (res) => {
          const set = res.headers["set-cookie"]?.[0];
          if (set) this.cookie = set.split(";")[0] as string;
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }
}

/** A terminal over the real WebSocket protocol; resolves once the shell shows its prompt. */
async function openTerminal(
  base: string,
  cookie: string,
  envId: string,
): Promise<{ ws: WebSocket; output: { text: string } }> {
  const url = base.replace("http", "ws") + "/ws/terminal";
  const ws = new WebSocket(url, { headers: { cookie, origin: base } });
  const output = { text: "" };
  ws.on("message", (raw: Buffer) => {
    const f = decodeFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    if (f.op === Op.OUTPUT) output.text += Buffer.from(f.data).toString();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(encodeJson(Op.HELLO, { envId, host: "workstation", cols: 120, rows: 30 }));
  while (!/root@workstation/.test(output.text)) await sleep(5);
  return { ws, output };
}

/** Join -> start -> ready -> prompt, in milliseconds. */
async function joinToPrompt(
  server: RunningServer,
  name: string,
): Promise<{ ms: number; client: Client; envId: string; ws: WebSocket }> {
  const client = new Client(server.url);
  const t0 = performance.now();
  await client.call("POST", "/api/workshop/join", { code: server.workshop?.room.code, name });
  let env = (await client.call("POST", `/api/labs/${LAB}/env`)).json;
  while (env.state === "starting") {
    await sleep(100);
    env = (await client.call("GET", `/api/labs/${LAB}/env`)).json;
  }
  if (env.state !== "ready") throw new Error(`environment failed: ${JSON.stringify(env.error)}`);
  const { ws } = await openTerminal(server.url, client.cookie, env.envId as string);
  return { ms: performance.now() - t0, client, envId: env.envId as string, ws };
}

async function benchJoin(): Promise<void> {
  const results: Record<string, number[]> = { "no pool": [], "warm pool (1)": [] };
  for (const [label, poolSize] of [
    ["no pool", 0],
    ["warm pool (1)", 1],
  ] as const) {
    const server = await start(poolSize);
    for (let i = 0; i < ROUNDS; i++) {
      if (poolSize > 0) {
        while ((server.workshop?.snapshot().workshop.pool[LAB] ?? 0) < poolSize) await sleep(200);
      }
      const r = await joinToPrompt(server, `learner ${i}`);
      results[label]?.push(r.ms);
      r.ws.close();
      await r.client.call("DELETE", `/api/labs/${LAB}/env`);
    }
    await server.close();
  }
  const cold = median(results["no pool"] as number[]);
  const warm = median(results["warm pool (1)"] as number[]);
  console.log(`\n## join -> ready prompt (${LAB}, median of ${ROUNDS})`);
  console.log(
    `no pool:        ${(cold / 1000).toFixed(2)} s  [${(results["no pool"] as number[]).map((x) => (x / 1000).toFixed(2)).join(", ")}]`,
  );
  console.log(
    `warm pool (1):  ${(warm / 1000).toFixed(2)} s  [${(results["warm pool (1)"] as number[]).map((x) => (x / 1000).toFixed(2)).join(", ")}]`,
  );
  console.log(`ratio warm/no pool: ${(warm / cold).toFixed(3)}`);
}

/** The instructor's live channel: resolves each snapshot's arrival time. */
function dashboardStream(
  server: RunningServer,
  onSnapshot: (s: {
    learners: { labs: Record<string, { cells: Record<string, { attempts: number }> }> }[];
  }) => void,
): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const key = server.workshop?.room.instructorKey as string;
    const req = request(
      `${server.url}/api/workshop/dashboard/events`,
      { headers: { cookie: `archlab_instructor=${key}` } },
      (res) => {
        let buffer = "";
        res.on("data", (c: Buffer) => {
          buffer += c.toString();
          let i: number;
          while ((i = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            const data = block.split("\n").find((l) => l.startsWith("data: "));
            if (data) onSnapshot(JSON.parse(data.slice(6)));
          }
        });
        resolve(() => req.destroy());
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function benchDashboard(): Promise<void> {
  const server = await start(0);
  const r = await joinToPrompt(server, "watched");
  let attempts = 0;
  let seenAt = 0;
  const stop = await dashboardStream(server, (s) => {
    const n = s.learners[0]?.labs[LAB]?.cells["run-detached"]?.attempts ?? 0;
    if (n > attempts) {
      attempts = n;
      seenAt = performance.now();
    }
  });
  const delays: number[] = [];
  for (let i = 1; i <= 10; i++) {
    await r.client.call("POST", `/api/labs/${LAB}/steps/run-detached/check`); // fails: no container yet
    const answeredAt = performance.now();
    while (attempts < i) await sleep(1);
    delays.push(seenAt - answeredAt);
    await sleep(300);
  }
  stop();
  r.ws.close();
  await server.close();
  console.log(`\n## dashboard update delay after a check (median of ${delays.length})`);
  console.log(
    `check answered -> instructor's snapshot shows it: ${median(delays).toFixed(0)} ms (p90 ${percentile(delays, 90).toFixed(0)} ms); the server batches changes for 50 ms`,
  );
}

/** Every terminal types KEYS keys at once (about 10 per second each); echo latencies. */
async function echoUnderLoad(
  terms: { ws: WebSocket; output: { text: string } }[],
): Promise<number[]> {
  for (const t of terms) t.ws.send(encodeInput("cat > /dev/null\r"));
  await sleep(500);
  const all: number[] = [];
  await Promise.all(
    terms.map(async (t) => {
      for (let i = 0; i < KEYS; i++) {
        const before = t.output.text.length;
        const t0 = performance.now();
        t.ws.send(encodeInput("a"));
        while (t.output.text.length === before) await sleep(0);
        all.push(performance.now() - t0);
        await sleep(80 + Math.random() * 40);
      }
      t.ws.send(encodeInput("\x03"));
    }),
  );
  return all;
}

async function benchCapacity(): Promise<void> {
  const server = await start(0, MAX_LEARNERS + 1);
  const terms: { ws: WebSocket; output: { text: string } }[] = [];
  console.log(
    `\n## capacity: ${LAB} learners with echo p99 < 50 ms (all typing at once, ${KEYS} keys each)`,
  );
  console.log("learners | echo p50 | echo p99 | start of the last env");
  let best = 0;
  if (WORKLOAD) console.log("(every learner runs redis:7 in their Docker-in-Docker host first)");
  for (const target of [1, 2, 4, 6, 8, 10, 12, 16, 20, 24, 28, 32, 40].filter(
    (n) => n <= MAX_LEARNERS,
  )) {
    let lastStart = 0;
    while (terms.length < target) {
      const r = await joinToPrompt(server, `cap ${terms.length}`);
      lastStart = r.ms;
      const output = { text: "" };
      r.ws.on("message", (raw: Buffer) => {
        const f = decodeFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
        if (f.op === Op.OUTPUT) output.text += Buffer.from(f.data).toString();
      });
      terms.push({ ws: r.ws, output });
      if (WORKLOAD) {
        r.ws.send(encodeInput(WORKLOAD));
        while (!/^WORK-DONE/m.test(output.text)) await sleep(50);
      }
    }
    const samples = await echoUnderLoad(terms);
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    console.log(
      `${String(target).padStart(8)} | ${p50.toFixed(1).padStart(6)} ms | ${p99.toFixed(1).padStart(6)} ms | ${(lastStart / 1000).toFixed(1)} s`,
    );
    if (p99 >= 50) break;
    best = target;
  }
  console.log(`holds ${best} learners with every terminal's echo p99 under 50 ms`);
  for (const t of terms) t.ws.close();
  await server.close();
}

const which = process.argv[2] ?? "all";
if (which === "all" || which === "join") await benchJoin();
if (which === "all" || which === "dashboard") await benchDashboard();
if (which === "all" || which === "capacity") await benchCapacity();
process.exit(0);
