// An imported Killercoda scenario (labs/killercoda-example, made by `archlab import killercoda`
// from tests/fixtures/killercoda/killercoda-example) followed in real Chromium by its exec
// buttons and Check: the intro's background and the assets are there at start, the reading step
// has no Check, step 3's background runs once step 1 has passed, and its preview link opens the
// page the host serves.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { checkUntilPassed, screenText, serverAndBrowserForFile, waitForScreen } from "./harness.ts";

const LESSON = "/en/90-killercoda-example/";
const PROMPT = /root@host01:[^#$]*[#$]\s*$/;
const { server, browser } = serverAndBrowserForFile();
let page: Page;

beforeAll(async () => {
  page = await (await browser().newContext({ viewport: { width: 1400, height: 900 } })).newPage();
});

/** Waits until the terminal is back at its prompt and still. */
async function settle(ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = "";
  let stillSince = Date.now();
  while (Date.now() < deadline) {
    const text = (await screenText(page)).trimEnd();
    if (text !== last) [last, stillSince] = [text, Date.now()];
    else if (PROMPT.test(text.split("\n").at(-1) ?? "") && Date.now() - stillSince > 600) return;
    await page.waitForTimeout(150);
  }
  throw new Error(`the terminal never came back to its prompt:\n${last}`);
}

/** Presses every Run of a step in order; a block before an {{exec interrupt}} one is left
 * running, for that block's Run to stop it with Ctrl+C. */
async function runAll(stepId: string): Promise<number> {
  const runs = page.locator(`.step[data-step="${stepId}"] [data-action="run"]`);
  const n = await runs.count();
  for (let i = 0; i < n; i++) {
    await runs.nth(i).click();
    const nextInterrupts =
      i + 1 < n &&
      (await runs
        .nth(i + 1)
        .evaluate((b) => b.parentElement?.nextElementSibling?.hasAttribute("data-interrupt")));
    if (nextInterrupts) await page.waitForTimeout(1000);
    else await settle();
  }
  return n;
}

describe("an imported Killercoda scenario in the browser", () => {
  it("starts with the scenario's assets and the intro's background script", async () => {
    await page.goto(server().url + LESSON);
    await page.click('.lab-panel [data-action="start-lab"]');
    await waitForScreen(page, /root@host01/, 180_000);
    await page.locator(".term-box:not([hidden]) .xterm-helper-textarea").focus();
    // The intro's background script runs while the learner reads (a busy machine may take a while).
    await page.keyboard.type(
      "clear; cat ~/greeting.txt; timeout 120 sh -c 'until [ -e /run/killercoda/intro-background.done ]; do sleep 0.2; done'; cat /root/prepared\n",
    );
    await waitForScreen(page, /hello from the assets\s+prepared/, 150_000);
  });

  it("passes step 1 by its Run buttons and Check", async () => {
    expect(await runAll("step-1")).toBe(5);
    expect(await checkUntilPassed(page, "step-1")).not.toMatch(/reading step/);
  });

  it("shows the reading step as ungraded, without a Check, and runs its command", async () => {
    const step = page.locator('.step[data-step="step-2"]');
    expect(await step.locator('[data-action="check"]').count()).toBe(0);
    expect(await step.locator(".step-ungraded").textContent()).toContain("ungraded");
    expect(await runAll("step-2")).toBe(1);
  });

  it("passes step 3 once its background has run, and previews the page it serves", async () => {
    expect(await runAll("step-3")).toBe(2); // the foreground script, then the server
    await checkUntilPassed(page, "step-3");
    const [tab] = await Promise.all([
      page.context().waitForEvent("page"),
      page.click('.step[data-step="step-3"] a[href*="/preview/open"]', {
        modifiers: ["ControlOrMeta"],
      }),
    ]);
    await tab.waitForLoadState("domcontentloaded");
    // http.server answers / with the index.html that step 2's command wrote.
    expect(await tab.locator("body").textContent()).toContain("body of the page");
    expect(new URL(tab.url()).pathname).toMatch(/^\/preview\/[A-Za-z0-9_-]{32}\/$/);
    await tab.close();
  });
});
