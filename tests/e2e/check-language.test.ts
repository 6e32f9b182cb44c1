// A failing check speaks the page's language: on the Chinese lesson the message (and its
// translated expected/actual values) are Chinese, on the English lesson English, for the same
// learner, environment and step. Real Chromium, real server, real Redis environment.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/server/http/server.ts";
import { launchBrowser, startTestServer, waitForScreen } from "./harness.ts";

const LESSON = "12-redis-replication";
let server: RunningServer;
let browser: Browser;
let page: Page;

/** Presses Check on a step; returns the message and the expected/actual cells once it failed. */
async function failingCheck(p: Page, stepId: string): Promise<{ text: string; grid: string }> {
  const step = p.locator(`.step[data-step="${stepId}"]`);
  await step.locator('[data-action="check"]').click();
  const result = step.locator(".step-result");
  await expect.poll(() => result.getAttribute("data-kind"), { timeout: 30_000 }).toBe("error");
  const grid = result.locator(".expected-actual");
  return {
    text: (await result.locator(".result-head").textContent()) ?? "",
    grid: (await grid.count()) > 0 ? ((await grid.textContent()) ?? "") : "",
  };
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  await page.goto(`${server.url}/zh/${LESSON}/`);
  await page.click('.lab-panel [data-action="start-lab"]');
  await waitForScreen(page, /@tools/, 300_000);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("check messages in the learner's language", () => {
  it("shows a failing check's message in Chinese on the Chinese page", async () => {
    const { text, grid } = await failingCheck(page, "make-replicas");
    expect(text).toContain("redis-2 还不是副本");
    expect(text).not.toMatch(/not a replica/);
    // The interface's labels and the values side by side.
    expect(grid).toContain("role:slave");
    expect(grid).toContain("role:master");
  });

  it("translates expected/actual values that are words, not data", async () => {
    const { text, grid } = await failingCheck(page, "failover");
    expect(text).toContain("redis-1 仍以主节点身份响应");
    expect(grid).toContain("redis-1 已停止");
    expect(grid).not.toContain("redis-1 down");
  });

  it("shows the same checks in English on the English page", async () => {
    await page.goto(`${server.url}/en/${LESSON}/`);
    await waitForScreen(page, /@tools/, 60_000);
    const replicas = await failingCheck(page, "make-replicas");
    expect(replicas.text).toContain("redis-2 is not a replica yet");
    expect(replicas.text).not.toMatch(/[\u4e00-\u9fff]/);
    const failover = await failingCheck(page, "failover");
    expect(failover.grid).toContain("redis-1 down");
  });
});
