// A newcomer takes whole lessons in the browser using only what the page offers: in every step,
// press each Run button in order, then Check — and every step must turn green. Proves that the
// lesson text and the lab agree (single-terminal labs; the multi-tab labs are proven by verify).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/server/http/server.ts";
import {
  checkUntilPassed,
  launchBrowser,
  screenText,
  startTestServer,
  typeInTerminal,
  waitForIdlePrompt,
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
