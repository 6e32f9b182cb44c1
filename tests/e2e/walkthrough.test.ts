// A newcomer takes whole lessons in the browser using only what the page offers: in every step,
// press each Run button in order, then Check — and every step must turn green. Proves that the
// lesson text and the lab agree (single-terminal labs; the multi-tab labs are proven by verify).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/server/http/server.ts";
import {
  launchBrowser,
  screenText,
  startTestServer,
  typeInTerminal,
  waitForScreen,
} from "./harness.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the terminal shows a prompt at the end and has been still for a moment. */
// Generous: a first `docker pull` through the rootless engine's network takes a minute or more
// on a busy machine.
async function waitForIdlePrompt(page: Page, prompt: RegExp, timeoutMs = 360_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const text = (await screenText(page)).trimEnd();
    if (text !== last) {
      last = text;
      stableSince = Date.now();
    } else if (prompt.test(text.split("\n").at(-1) ?? "") && Date.now() - stableSince > 700) {
      return;
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`the terminal never came back to a prompt; it shows:\n${last}`);
}

async function checkUntilPassed(page: Page, stepId: string, attempts = 12): Promise<string> {
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
    await page.waitForTimeout(2500); // some state settles asynchronously (replication, failover)
  }
  throw new Error(`step ${stepId} never passed; last result: ${message}`);
}

const ANY_PROMPT = /[$#]\s*$/;

// Lessons whose commands all run in the workstation's terminal (others switch tabs, as their
// text tells the learner; `archlab verify` proves those labs).
const LESSONS: [string, string, RegExp][] = [
  ["/en/03-docker-basics/", "workstation", /root@workstation:[^$#]*[$#]\s*$/],
  ["/zh/03-docker-basics/", "workstation", /root@workstation:[^$#]*[$#]\s*$/],
  ["/en/04-docker-images/", "workstation", /root@workstation:[^$#]*[$#]\s*$/],
  ["/zh/05-docker-networks/", "workstation", /root@workstation:[^$#]*[$#]\s*$/],
];

describe.each(LESSONS)("walking through %s", (lesson, host, prompt) => {
  it("turns every step green by pressing only the lesson's Run buttons and Check", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url + lesson);
    await page.click('.lab-panel [data-action="start-lab"]');
    await waitForScreen(page, new RegExp(`root@${host}`), 120_000);
    const steps = await page
      .locator(".step")
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step as string));
    expect(steps.length).toBeGreaterThan(3);
    for (const stepId of steps) {
      const runs = page.locator(`.step[data-step="${stepId}"] [data-action="run"]`);
      const count = await runs.count();
      for (let i = 0; i < count; i++) {
        await runs.nth(i).click();
        await waitForIdlePrompt(page, ANY_PROMPT);
        // A block that opens a shell inside a container ends, as the lesson says, with `exit`.
        const lastLine = (await screenText(page)).trimEnd().split("\n").at(-1) ?? "";
        if (!prompt.test(lastLine)) {
          await typeInTerminal(page, "exit\n");
          await waitForIdlePrompt(page, prompt);
        }
      }
      await checkUntilPassed(page, stepId);
      expect(await page.locator(`.step[data-step="${stepId}"]`).getAttribute("class")).toContain(
        "done",
      );
    }
    await context.close();
  }, 900_000);
});
