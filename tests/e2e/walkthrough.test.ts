// A newcomer takes whole lessons in the browser using only what the page offers: in every step,
// press each Run button in order (in the terminal its block names, switching tabs as the text
// says), then Check — and every step must turn green. Proves that the lesson text and the lab agree.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  checkUntilPassed,
  screenText,
  waitUntilStill,
  serverAndBrowserForFile,
  typeInTerminal,
  waitForIdlePrompt,
  waitForScreen,
} from "./harness.ts";
import { machineSlots } from "../integration/helpers.ts";

const { server, browser } = serverAndBrowserForFile();

const ANY_PROMPT = /[$#]\s*$/;
const promptOf = (host: string) => new RegExp(`@${host}:[^$#]*[$#]\\s*$`);
/** How long a block may print nothing, away from a prompt, before it counts as still running. */
const QUIET_MS = 20_000;

// Lessons and the terminal their blocks run in unless a block names its host (```bash host=zk-1).
const LESSONS: [string, string][] = [
  ["/en/03-docker-basics/", "workstation"],
  ["/zh/03-docker-basics/", "workstation"],
  ["/en/04-docker-images/", "workstation"],
  ["/zh/05-docker-networks/", "workstation"],
  ["/zh/10-service-discovery/", "tools"],
  ["/en/11-web-tier/", "web"],
  ["/zh/08-frontend-backend/", "web"],
];

async function lastLine(page: Page): Promise<string> {
  return (await screenText(page)).trimEnd().split("\n").at(-1) ?? "";
}

/** Opens a host's tab; a command still running there is ended with Ctrl+C, as a learner would. */
async function showTerminal(page: Page, host: string): Promise<void> {
  const tab = page.locator(`.lab-tabs [data-host="${host}"]`);
  if ((await tab.getAttribute("aria-selected")) !== "true") await tab.click();
  if (!promptOf(host).test(await lastLine(page))) {
    await page.locator(".term-box:not([hidden]) .xterm-helper-textarea").focus();
    await page.keyboard.press("Control+C");
    await waitForIdlePrompt(page, promptOf(host), { timeoutMs: 30_000 });
  }
}

/**
 * After a Run: back at the host's prompt; or a shell inside a container (the lesson ends those
 * with `exit`); or a command that keeps running (a watch, a REPL), left running while the quiet
 * lasts — the next block on that host ends it.
 */
async function settle(page: Page, host: string): Promise<void> {
  const line = await waitUntilStill(
    page,
    (last, still) => (still > 700 && ANY_PROMPT.test(last)) || still > QUIET_MS,
  );
  if (ANY_PROMPT.test(line) && !promptOf(host).test(line)) {
    await typeInTerminal(page, "exit\n");
    await waitForIdlePrompt(page, promptOf(host));
  }
}

async function walkThrough(lesson: string, defaultHost: string): Promise<void> {
  const context = await browser().newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(server().url + lesson);
  await page.click('.lab-panel [data-action="start-lab"]');
  await waitForScreen(page, promptOf(defaultHost), 300_000);
  const steps = await page
    .locator(".step")
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step as string));
  expect(steps.length).toBeGreaterThan(3);
  // Every Run button of the page in order, including those between steps, which later steps
  // build on; Check once a step's last block has run.
  const blocks = await page.locator('[data-action="run"]').evaluateAll((els) =>
    els.map((b) => ({
      host: (b as HTMLElement).dataset.host,
      step: (b.closest(".step") as HTMLElement | null)?.dataset.step,
    })),
  );
  const runs = page.locator('[data-action="run"]');
  for (let i = 0; i < blocks.length; i++) {
    const { host = defaultHost, step } = blocks[i] as { host?: string; step?: string };
    await showTerminal(page, host);
    await runs.nth(i).click();
    await settle(page, host);
    const next = blocks[i + 1];
    if (step && next?.step !== step) {
      await checkUntilPassed(page, step);
      expect(await page.locator(`.step[data-step="${step}"]`).getAttribute("class")).toContain(
        "done",
      );
    }
  }
  // Steps without any Run block are not left unchecked.
  for (const stepId of steps.filter((id) => !blocks.some((b) => b.step === id))) {
    await checkUntilPassed(page, stepId);
  }
  await context.close();
}

// Two lessons at once (each its own environment and browser context): a walkthrough mostly waits
// for its commands and checks, so two share 2 cores well.
const slots = machineSlots(2);
describe.concurrent("walking through the lessons", () => {
  for (const [lesson, defaultHost] of LESSONS) {
    it(
      `${lesson}: turns every step green by pressing only the lesson's Run buttons and Check`,
      () => slots(1, () => walkThrough(lesson, defaultHost)),
      1_800_000,
    );
  }
});
