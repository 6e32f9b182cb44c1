// A real archlab server (site + API + terminal WebSocket, real engine) and real Chromium.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { SITE_DIR } from "../../src/cli/commands/site.ts";
import { loadAllLabs } from "../../src/lab/catalog.ts";
import {
  startServer,
  type RunningServer,
  type ServerOptions,
} from "../../src/server/http/server.ts";
import { afterAll, beforeAll } from "vitest";
import { engine } from "../integration/helpers.ts";

export async function startTestServer(extra: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const { docker, provisioner } = engine();
  return startServer({
    host: "127.0.0.1",
    port: 0,
    siteDir: SITE_DIR,
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), "archlab-e2e-")), "e2e.db"),
    labs: loadAllLabs().labs,
    docker,
    provisioner,
    ...extra,
  });
}

/**
 * One server and one Chromium for a test file, started before its tests and closed after them;
 * read them through the getters inside tests.
 */
export function serverAndBrowserForFile(): { server: () => RunningServer; browser: () => Browser } {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return { server: () => server as RunningServer, browser: () => browser as Browser };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Text currently shown by the visible terminal (xterm's DOM renderer). */
export function screenText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const box = [...document.querySelectorAll<HTMLElement>(".term-box")].find((b) => !b.hidden);
    return [...(box?.querySelectorAll(".xterm-rows > div") ?? [])]
      .map((r) => r.textContent ?? "")
      .join("\n");
  });
}

export async function waitForScreen(
  page: Page,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = "";
  while (Date.now() < deadline) {
    text = await screenText(page);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(200);
  }
  // Say what the lab panel said too: a terminal that never opened is usually explained there.
  const panel = await page
    .locator(".lab-panel")
    // innerText, not textContent: the panel holds xterm's <style>, whose CSS buried the screen
    // text in CI's tail.
    .evaluate(
      (el) => `${(el as HTMLElement).dataset.state ?? "?"}: ${(el as HTMLElement).innerText}`,
    )
    .catch(() => "(no lab panel)");
  throw new Error(
    `terminal never showed ${pattern}; it shows:\n${text}\nthe lab panel: ${panel.slice(0, 800)}`,
  );
}

/** Types into the active terminal like a person (xterm's hidden textarea has the focus). */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator(".term-box:not([hidden]) .xterm-helper-textarea").focus();
  await page.keyboard.type(text);
}

/**
 * Waits until the terminal shows `prompt` at the end and has been still for `stillMs`. Generous
 * by default: a first `docker pull` through a rootless engine takes a minute or more when busy.
 */
export async function waitForIdlePrompt(
  page: Page,
  prompt: RegExp,
  { timeoutMs = 360_000, stillMs = 700 }: { timeoutMs?: number; stillMs?: number } = {},
): Promise<void> {
  await waitUntilStill(
    page,
    (line, still) => still > stillMs && prompt.test(line),
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(err.message.replace("never settled", "never came back to a prompt"));
  });
}

/**
 * Watches the visible terminal until `done(lastLine, msStill)` says so — `msStill` is how long the
 * screen has not changed — and returns that last line.
 */
export async function waitUntilStill(
  page: Page,
  done: (lastLine: string, msStill: number) => boolean,
  timeoutMs = 360_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const text = (await screenText(page)).trimEnd();
    if (text !== last) {
      last = text;
      stableSince = Date.now();
    } else {
      const line = text.split("\n").at(-1) ?? "";
      if (done(line, Date.now() - stableSince)) return line;
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`the terminal never settled; it shows:\n${last}`);
}

/** Presses a step's Check until it passes (state may settle asynchronously); its message. */
export async function checkUntilPassed(
  page: Page,
  stepId: string,
  { attempts = 12, pauseMs = 2500 }: { attempts?: number; pauseMs?: number } = {},
): Promise<string> {
  const step = page.locator(`.step[data-step="${stepId}"]`);
  let message = "";
  for (let i = 0; i < attempts; i++) {
    await step.locator('[data-action="check"]').click();
    await page.waitForFunction(
      (id) => {
        const r = document.querySelector(`.step[data-step="${id}"] .step-result`);
        return r && r.getAttribute("data-kind") !== "info";
      },
      stepId,
      { timeout: 60_000 },
    );
    const kind = await step.locator(".step-result").getAttribute("data-kind");
    message = (await step.locator(".step-result").textContent()) ?? "";
    if (kind === "ok") return message;
    await page.waitForTimeout(pauseMs);
  }
  throw new Error(`step ${stepId} never passed; last result: ${message}`);
}
