// A newcomer takes the Kubernetes lesson (06) in the browser on a real cluster, using only what
// the page offers: in every step, press each Run button in order, then Check — and every step
// must turn green. The blocks the lesson runs on node2 (`sudo kubelet-ctl ...`) say so
// (```bash host=node2), and their Run buttons switch to the node2 tab.
import { describe, expect, it } from "vitest";
import {
  checkUntilPassed,
  serverAndBrowserForFile,
  waitForIdlePrompt,
  waitForScreen,
} from "./harness.ts";
import { KUBERNETES_SKIPPED, KUBERNETES_TESTS } from "../kubernetes.ts";

const { server, browser } = serverAndBrowserForFile();

// One language: a walkthrough starts a whole cluster; the zh lesson runs the same blocks.
describe.skipIf(!KUBERNETES_TESTS).each(["/en/06-kubernetes/"])("walking through %s", (lesson) => {
  it(
    "turns every step green by pressing only the lesson's Run buttons and Check",
    async () => {
      const context = await browser().newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(server().url + lesson);
      await page.click('.lab-panel [data-action="start-lab"]');
      // A cluster may take its whole readiness budget (600 s) on a loaded machine.
      await waitForScreen(page, /@workstation/, 900_000);
      const steps = await page
        .locator(".step")
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step as string));
      expect(steps).toEqual([
        "label-dns-node",
        "deploy-shop",
        "self-healing",
        "cluster-ip",
        "node-port",
        "scale",
        "rolling-update",
        "readiness-probe",
        "configmap",
      ]);
      const timings: string[] = [];
      for (const stepId of steps) {
        const started = Date.now();
        const runs = page.locator(`.step[data-step="${stepId}"] [data-action="run"]`);
        const count = await runs.count();
        for (let i = 0; i < count; i++) {
          // The lesson names each block's terminal (```bash host=node2): Run switches to it.
          const host = (await runs.nth(i).getAttribute("data-host")) ?? "workstation";
          await runs.nth(i).click();
          await expect
            .poll(() =>
              page.locator(`.lab-tabs [data-host="${host}"]`).getAttribute("aria-selected"),
            )
            .toBe("true");
          await waitForIdlePrompt(page, new RegExp(`@${host}:[^$#]*[$#]\\s*$`), {
            timeoutMs: 240_000,
            stillMs: 1000,
          });
        }
        // A rollout or an endpoint may still be settling.
        await checkUntilPassed(page, stepId, { attempts: 10, pauseMs: 3000 });
        expect(await page.locator(`.step[data-step="${stepId}"]`).getAttribute("class")).toContain(
          "done",
        );
        timings.push(`${stepId} ${Math.round((Date.now() - started) / 1000)} s`);
      }
      console.log(`${lesson}: ${timings.join(", ")}`);
      await context.close();
    },
    40 * 60_000,
  );
});

describe.skipIf(KUBERNETES_TESTS)("walking through /en/06-kubernetes/", () => {
  it.skip(`turns every step green (${KUBERNETES_SKIPPED})`);
});
