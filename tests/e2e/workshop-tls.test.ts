// A workshop over TLS, as a room uses it: `archlab workshop --tls` prints https links and the
// certificate's fingerprint; a learner trusting exactly that certificate joins over https, gets
// Secure cookies, starts a lab and types into its terminal over wss; the instructor's live
// dashboard (server-sent events) streams over https too; plain http gets no page; and in
// Chromium, trusting only that certificate's key, a learner joins and gets a prompt over wss.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get as httpGet } from "node:http";
import { request, type RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import WebSocket from "ws";
import { decodeFrame, encodeInput, encodeJson, Op } from "../../src/protocol/terminal.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/archlab.js");
const LAB = "docker-basics";
const work = mkdtempSync(path.join(tmpdir(), "archlab-tls-e2e-"));
let proc: ChildProcess;
let output = "";
const printed = { join: "", code: "", instructor: "", fingerprint: "", certFile: "" };
let ca = "";
let learnerCookie = "";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  fingerprint: string;
}

/** One https request that trusts only the workshop's certificate. */
function call(
  url: string,
  opts: RequestOptions & { body?: unknown; cookie?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      u,
      {
        ca,
        method: opts.method ?? "GET",
        headers: {
          ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          origin: u.origin,
        },
      },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, fingerprint }),
        );
      },
    );
    req.on("error", reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

beforeAll(async () => {
  proc = spawn(
    process.execPath,
    [
      BIN,
      "workshop",
      "--tls",
      "--labs",
      LAB,
      "--seats",
      "2",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--no-prepare",
      "--db",
      path.join(work, "workshop.db"),
    ],
    { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  proc.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 10 * 60_000;
  while (!/Instructor \(keep this private\):\n\s+\S+/.test(output)) {
    if (proc.exitCode !== null) throw new Error(`archlab workshop exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`archlab workshop did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  printed.join = /Learners join at\s+(\S+)/.exec(output)?.[1] ?? "";
  printed.code = /with the code\s+(\S+)/.exec(output)?.[1] ?? "";
  printed.instructor = /Instructor \(keep this private\):\n\s+(\S+)/.exec(output)?.[1] ?? "";
  printed.fingerprint = /SHA-256 fingerprint\s+(\S+)/.exec(output)?.[1] ?? "";
  printed.certFile = /HTTPS with a self-signed certificate (\S+)/.exec(output)?.[1] ?? "";
  ca = readFileSync(printed.certFile, "utf8");
}, 15 * 60_000);

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM"); // removes the environments it started
    await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
  }
  rmSync(work, { recursive: true, force: true });
}, 90_000);

describe("archlab workshop --tls", () => {
  it("prints https links and the fingerprint of the certificate it serves", async () => {
    expect(printed.join).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/join\/\?code=/);
    expect(printed.instructor).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/workshop\/instructor\?key=/);
    expect(printed.fingerprint).toBe(new X509Certificate(ca).fingerprint256);
    const page = await call(printed.join);
    expect(page.status).toBe(200);
    expect(page.fingerprint).toBe(printed.fingerprint);
  });

  it("refuses plain http on the same port", async () => {
    const url = printed.join.replace("https:", "http:");
    const answer = await new Promise<string>((resolve) => {
      const req = httpGet(url, { timeout: 5000 }, (res) => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      });
      req.on("error", (err) => resolve(`error ${err.message}`));
      req.on("timeout", () => req.destroy(new Error("timeout")));
    });
    expect(answer).not.toMatch(/^status 200/);
  });

  it("gives learners and the instructor Secure cookies", async () => {
    const origin = new URL(printed.join).origin;
    const join = await call(`${origin}/api/workshop/join`, {
      method: "POST",
      body: { code: printed.code, name: "Tess", lang: "en" },
    });
    expect(join.status, join.body).toBe(200);
    const setCookie = String(join.headers["set-cookie"]);
    expect(setCookie).toMatch(/^archlab_learner=[^;]+;.*HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    learnerCookie = setCookie.split(";")[0] as string;

    const entry = await call(printed.instructor);
    expect(entry.status).toBe(303);
    expect(String(entry.headers["set-cookie"])).toMatch(/^archlab_instructor=.*; Secure/);
  });

  it("streams the instructor's dashboard over https (server-sent events)", async () => {
    const origin = new URL(printed.join).origin;
    const entry = await call(printed.instructor);
    const cookie = String(entry.headers["set-cookie"]).split(";")[0] as string;
    const first = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${origin}/api/workshop/dashboard/events`,
        { ca, headers: { cookie } },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => {
            text += c.toString();
            if (!text.includes("event: snapshot")) return;
            resolve(text);
            req.destroy();
          });
        },
      );
      setTimeout(() => reject(new Error("no snapshot event in 20 s")), 20_000);
      req.on("error", reject);
      req.end();
    });
    expect(first).toMatch(/event: snapshot/);
    expect(first).toContain('"name":"Tess"');
  });

  it("starts the lab and types into its terminal over wss", async () => {
    const origin = new URL(printed.join).origin;
    const start = await call(`${origin}/api/labs/${LAB}/env`, {
      method: "POST",
      cookie: learnerCookie,
      body: {},
    });
    expect(start.status, start.body).toBe(202);
    let envId = "";
    const deadline = Date.now() + 5 * 60_000;
    while (!envId) {
      const s = await call(`${origin}/api/labs/${LAB}/env`, { cookie: learnerCookie });
      const status = JSON.parse(s.body) as { state: string; envId?: string; error?: string };
      if (status.state === "ready" && status.envId) envId = status.envId;
      else if (status.state === "failed" || Date.now() > deadline)
        throw new Error(`the lab did not start: ${s.body}`);
      else await new Promise((r) => setTimeout(r, 500));
    }

    const wssUrl = `${origin.replace("https:", "wss:")}/ws/terminal`;
    const ws = new WebSocket(wssUrl, { ca, headers: { cookie: learnerCookie, origin } });
    let seen = "";
    const echoed = new Promise<void>((resolve, reject) => {
      ws.on("open", () =>
        ws.send(encodeJson(Op.HELLO, { envId, host: "workstation", cols: 80, rows: 24 })),
      );
      ws.on("message", (data: Buffer) => {
        const frame = decodeFrame(new Uint8Array(data));
        // Keys only once the server has attached the shell (its HELLO).
        if (frame.op === Op.HELLO) ws.send(encodeInput("echo tls-$((40 + 2))\n"));
        if (frame.op === Op.OUTPUT) seen += Buffer.from(frame.data).toString();
        if (seen.includes("tls-42")) resolve();
      });
      ws.on("error", reject);
      ws.on("close", (code, reason) =>
        reject(new Error(`terminal closed with ${code} ${reason.toString()}: ${seen}`)),
      );
    });
    try {
      await Promise.race([
        echoed,
        new Promise((_r, reject) =>
          setTimeout(() => reject(new Error(`no echo over wss: ${seen}`)), 60_000),
        ),
      ]);
      const socket = (ws as unknown as { _socket: TLSSocket })._socket;
      expect(socket.getPeerCertificate().fingerprint256).toBe(printed.fingerprint);
    } finally {
      ws.removeAllListeners("close");
      ws.close();
    }
  });

  it("works in Chromium trusting only the printed certificate's key: join, lesson, prompt", async () => {
    const spki = createHash("sha256")
      .update(new X509Certificate(ca).publicKey.export({ type: "spki", format: "der" }))
      .digest("base64");
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        `--ignore-certificate-errors-spki-list=${spki}`,
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(printed.join);
      expect(page.url()).toMatch(/^https:/);
      await page.fill('input[name="name"]', "Uma");
      await page.click('.join-form button[type="submit"]');
      await page.waitForURL(/\/03-docker-basics\/$/, { timeout: 30_000 });
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === "archlab_learner")?.secure).toBe(true);
      await page.click('.lab-panel [data-action="start-lab"]');
      await expect
        .poll(
          () =>
            page.evaluate(() =>
              [...document.querySelectorAll(".xterm-rows > div")]
                .map((r) => r.textContent ?? "")
                .join("\n"),
            ),
          { timeout: 180_000, interval: 1000 },
        )
        .toMatch(/@workstation/);
    } finally {
      await browser.close();
    }
  });
});
