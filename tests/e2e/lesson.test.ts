// A learner in real Chromium takes the docker-basics lesson against a real lab server: the
// terminal, Run and Check, reloads, resizes, Chinese input, and two learners kept apart.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/server/http/server.ts";
import {
  launchBrowser,
  screenText,
  startTestServer,
  typeInTerminal,
  waitForScreen,
} from "./harness.ts";

const LESSON = "/zh/03-docker-basics/";
let server: RunningServer;
let browser: Browser;
let learnerA: BrowserContext;
let page: Page;

async function openLab(p: Page): Promise<void> {
  await p.goto(server.url + LESSON);
  const start = p.locator('.lab-panel [data-action="start-lab"]');
  if (await start.isVisible()) await start.click();
  await waitForScreen(p, /root@workstation/, 90_000);
}

async function envIdOf(p: Page): Promise<string> {
  return p.evaluate(async () => {
    const res = await fetch("/api/labs/docker-basics/env");
    return ((await res.json()) as { envId: string }).envId;
  });
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  learnerA = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await learnerA.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("a learner takes the Docker lesson in the browser", () => {
  it("starts the lab with per-host progress and gets a prompt", async () => {
    await page.goto(server.url + LESSON);
    await page.click('.lab-panel [data-action="start-lab"]');
    await page.waitForSelector(".lab-hosts li", { timeout: 10_000 });
    const hosts = await page.locator(".lab-hosts li").allTextContents();
    expect(hosts.join(" ")).toContain("workstation");
    await waitForScreen(page, /root@workstation/, 90_000);
    expect(await page.locator(".lab-status").getAttribute("data-kind")).toBe("ok");
  });

  it("shows a failing check's message before the step is done", async () => {
    const step = page.locator('.step[data-step="run-detached"]');
    await step.locator('[data-action="check"]').click();
    const result = step.locator(".step-result");
    await expect.poll(() => result.getAttribute("data-kind"), { timeout: 30_000 }).toBe("error");
    expect(await result.textContent()).toContain("cache");
    expect(await step.getAttribute("class")).not.toContain("done");
  });

  it("runs a code block in the terminal and passes the step's check", async () => {
    const step = page.locator('.step[data-step="pull-image"]');
    await step.locator('[data-action="run"]').first().click();
    await waitForScreen(page, /Status: (Downloaded|Image is up to date)/, 90_000);
    await step.locator('[data-action="check"]').click();
    await expect
      .poll(() => step.locator(".step-result").getAttribute("data-kind"), { timeout: 30_000 })
      .toBe("ok");
    expect(await step.getAttribute("class")).toContain("done");
  });

  it("keeps the same shell and its scrollback across a reload, and the step stays done", async () => {
    await typeInTerminal(page, "echo shell-pid-$$; echo before-reload-marker\n");
    const before = await waitForScreen(page, /shell-pid-(\d+)/);
    const pid = /shell-pid-(\d+)/.exec(before)?.[1];
    await page.reload();
    const restored = await waitForScreen(page, /before-reload-marker/, 30_000);
    expect(restored).toContain(`shell-pid-${pid}`);
    await typeInTerminal(page, "echo again-$$\n");
    await waitForScreen(page, new RegExp(`again-${pid}`));
    expect(await page.locator('.step[data-step="pull-image"]').getAttribute("class")).toContain(
      "done",
    );
  });

  it("follows the browser's size: stty size changes when the window does", async () => {
    await typeInTerminal(page, "clear; stty size\n");
    const first = /^(\d+) (\d+)$/m.exec(await waitForScreen(page, /^\d+ \d+$/m));
    await page.setViewportSize({ width: 1100, height: 650 });
    await page.waitForTimeout(500);
    await typeInTerminal(page, "clear; stty size\n");
    await page.waitForTimeout(800);
    const second = /^(\d+) (\d+)$/m.exec(await waitForScreen(page, /^\d+ \d+$/m));
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(`${second?.[1]} ${second?.[2]}`).not.toBe(`${first?.[1]} ${first?.[2]}`);
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it("passes Chinese text typed through an input method (composition) to the shell", async () => {
    await typeInTerminal(page, "clear; echo ");
    const cdp = await learnerA.newCDPSession(page);
    await cdp.send("Input.imeSetComposition", { text: "中", selectionStart: 1, selectionEnd: 1 });
    await cdp.send("Input.imeSetComposition", { text: "中文", selectionStart: 2, selectionEnd: 2 });
    await cdp.send("Input.insertText", { text: "中文" });
    // xterm sends a finished composition on a timer; a person types on after seeing it echoed.
    await waitForScreen(page, /echo 中文/, 30_000);
    await page.keyboard.type(" ime-ok\n");
    const text = await waitForScreen(page, /^(中文)+ ime-ok$/m, 30_000);
    expect(text, "the composed text reached the shell twice").not.toMatch(/中文中文/);
  });
});

describe("two learners", () => {
  it("get separate environments, and one cannot reach the other's", async () => {
    const envA = await envIdOf(page);
    const learnerB = await browser.newContext();
    const pageB = await learnerB.newPage();
    await openLab(pageB);
    const envB = await envIdOf(pageB);
    expect(envB).toMatch(/^e[a-z0-9]{10}$/);
    expect(envB).not.toBe(envA);

    // B's terminal is B's own: A's marker is not there.
    expect(await screenText(pageB)).not.toContain("before-reload-marker");

    // A terminal WebSocket naming A's environment from B's session is refused.
    const closeCode = await pageB.evaluate(async (foreignEnv) => {
      const ws = new WebSocket(`ws://${location.host}/ws/terminal`);
      ws.binaryType = "arraybuffer";
      return new Promise<number>((resolve) => {
        ws.onopen = () => {
          const hello = new TextEncoder().encode(
            JSON.stringify({ envId: foreignEnv, host: "workstation", cols: 80, rows: 24 }),
          );
          const frame = new Uint8Array(hello.length + 1);
          frame[0] = 1;
          frame.set(hello, 1);
          ws.send(frame);
        };
        ws.onclose = (e) => resolve(e.code);
      });
    }, envA);
    expect(closeCode).toBe(4403);

    // B's API sees only B's environment, and checks run against B's (where redis:7 was never pulled).
    const check = await pageB.evaluate(async () => {
      const res = await fetch("/api/labs/docker-basics/steps/pull-image/check", { method: "POST" });
      return (await res.json()) as { passed: boolean };
    });
    expect(check.passed).toBe(false);
    await learnerB.close();
  });
});
