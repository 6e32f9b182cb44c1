// An open lesson page in real Chromium while its lab server is killed with SIGKILL and started
// again: the page's terminal says it lost the connection, reconnects by itself to the same
// environment, says the old shell could not be kept ("this is a new shell") and works; the lab
// panel still finds the environment ready after a reload. `serve` runs as a child process.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engine, objectsOf } from "../integration/helpers.ts";
import { launchBrowser, typeInTerminal, waitForScreen } from "./harness.ts";

const LAB = "web-tier";
const LESSON = "/en/11-web-tier/";
const BIN = path.resolve(import.meta.dirname, "../../bin/archlab.js");
const dbFile = path.join(mkdtempSync(path.join(tmpdir(), "archlab-e2e-restart-")), "e2e.db");
let port = 0;
let base = "";
let server: ChildProcess | undefined;
let browser: Browser;
let page: Page;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port: p } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return p;
}

async function startServe(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [BIN, "serve", "--port", String(port), "--db", dbFile, "--no-build"],
    { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes("archlab is serving")) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
  return child;
}

async function envIdOf(p: Page): Promise<string> {
  return p.evaluate(async (lab) => {
    const res = await fetch(`/api/labs/${lab}/env`);
    return ((await res.json()) as { envId: string }).envId;
  }, LAB);
}

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startServe();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    await new Promise<void>((resolve) => {
      server?.once("exit", () => resolve());
      server?.kill("SIGTERM");
    });
  }
});

describe("an open page while its lab server is killed and started again", () => {
  it("reconnects its terminal by itself, says the shell is new, and the lab stays ready", async () => {
    await page.goto(base + LESSON);
    await page.click('.lab-panel [data-action="start-lab"]');
    await waitForScreen(page, /@web/, 300_000);
    const envId = await envIdOf(page);
    await typeInTerminal(page, "echo before-$((40+2))\n");
    await waitForScreen(page, /before-42/);

    await new Promise<void>((resolve) => {
      server?.once("exit", () => resolve());
      server?.kill("SIGKILL");
    });
    await waitForScreen(page, /Connection lost, reconnecting/, 30_000);
    server = await startServe();
    // Nobody touches the page: it reconnects and tells the learner the shell is a new one.
    // (The notice is longer than a terminal row: match a word of it that does not wrap.)
    const shown = await waitForScreen(page, /The lab server restarted/, 60_000);
    expect(shown).toContain("before-42"); // what was on screen stays on screen
    await waitForScreen(page, /restarted[\s\S]*new shell[\s\S]*@web/, 30_000);
    await typeInTerminal(page, "echo after-$((6*7))\n");
    await waitForScreen(page, /after-42/);
    expect(await envIdOf(page)).toBe(envId);

    // A reload finds the environment ready and opens its terminal.
    await page.reload();
    await waitForScreen(page, /@web/, 60_000);
    expect(await page.locator(".lab-panel").getAttribute("data-state")).toBe("ready");
    expect(await envIdOf(page)).toBe(envId);

    await new Promise<void>((resolve) => {
      server?.once("exit", () => resolve());
      server?.kill("SIGTERM");
    });
    expect(await objectsOf(engine().docker, envId)).toEqual([]);
  });
});
