// A workshop in real Chromium against a real engine: three learners join with the code, the
// instructor's dashboard follows them live, watches a terminal read-only, takes control, resets
// an environment, broadcasts, extends time; a fourth learner finds the room full; learners
// cannot reach the dashboard or each other's terminals.
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

const LAB = "docker-basics";
let server: RunningServer;
let browser: Browser;
let instructor: Page;
const learners: Record<string, Page> = {};
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("dialog", (d) => void d.accept());
  return page;
}

function joinUrl(): string {
  return server.workshop?.joinUrl as string;
}

async function join(name: string): Promise<Page> {
  const page = await newPage();
  await page.goto(joinUrl());
  await page.fill('input[name="name"]', name);
  await page.click('.join-form button[type="submit"]');
  return page;
}

async function envIdOf(page: Page): Promise<string> {
  return page.evaluate(async (lab) => {
    const res = await fetch(`/api/labs/${lab}/env`);
    return ((await res.json()) as { envId: string }).envId;
  }, LAB);
}

/** Opens a raw terminal WebSocket from `page` to `envId` and types `input` once attached. */
function rawSocket(
  page: Page,
  envId: string,
  input: string,
): Promise<{ code: number; readOnly?: boolean }> {
  return page.evaluate(
    async ({ envId, input }) => {
      const ws = new WebSocket(`ws://${location.host}/ws/terminal`);
      ws.binaryType = "arraybuffer";
      const frame = (op: number, body: Uint8Array) => {
        const out = new Uint8Array(body.length + 1);
        out[0] = op;
        out.set(body, 1);
        return out;
      };
      return new Promise<{ code: number; readOnly?: boolean }>((resolve) => {
        let readOnly: boolean | undefined;
        ws.onopen = () => {
          const hello = { envId, host: "workstation", cols: 80, rows: 24 };
          ws.send(frame(1, new TextEncoder().encode(JSON.stringify(hello))));
        };
        ws.onmessage = (m) => {
          const bytes = new Uint8Array(m.data as ArrayBuffer);
          if (bytes[0] === 8 && readOnly === undefined) {
            readOnly = (
              JSON.parse(new TextDecoder().decode(bytes.subarray(1))) as { readOnly: boolean }
            ).readOnly;
            ws.send(frame(2, new TextEncoder().encode(input)));
            setTimeout(() => ws.close(1000), 1500);
          }
        };
        ws.onclose = (e) =>
          resolve({ code: e.code, ...(readOnly === undefined ? {} : { readOnly }) });
      });
    },
    { envId, input },
  );
}

function row(name: string) {
  return instructor.locator(`.heatmap tr[data-name="${name}"]`);
}

beforeAll(async () => {
  server = await startTestServer({
    workshop: {
      name: "E2E workshop",
      labs: [LAB],
      seats: 3,
      sessionMs: 3600_000,
      idleMs: 1800_000,
      pool: { size: 1, memoryBytes: 8 * 1024 ** 3 },
      host: "127.0.0.1",
      port: 0,
    },
    // No periodic refresh during the test: the dashboard must follow events as they happen.
    workshopSweepMs: 3600_000,
  });
  browser = await launchBrowser();
  instructor = await newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("a workshop with an instructor and three learners", () => {
  it("the instructor link opens the dashboard, which shows the join code", async () => {
    const res = await instructor.goto(server.workshop?.instructorUrl as string);
    expect(res?.status()).toBe(200);
    expect(new URL(instructor.url()).pathname).toBe("/workshop/");
    await expect
      .poll(() => instructor.locator('[data-field="code"]').textContent(), { timeout: 15_000 })
      .toBe(server.workshop?.room.code);
  });

  it("learners join with the code and a name, land in the lesson and get a prompt", async () => {
    for (const name of ["Ann", "Bo", "Chen"]) {
      const page = await join(name);
      await page.waitForURL(/\/zh\/03-docker-basics\/$/, { timeout: 15_000 });
      await expect.poll(() => page.locator("#workshop-bar strong").textContent()).toBe(name);
      await page.click('.lab-panel [data-action="start-lab"]');
      learners[name] = page;
    }
    for (const page of Object.values(learners))
      await waitForScreen(page, /root@workstation/, 120_000);
    // The dashboard lists all three without a reload.
    for (const name of ["Ann", "Bo", "Chen"]) {
      await expect.poll(() => row(name).count(), { timeout: 15_000 }).toBe(1);
    }
  });

  it("the heat map shows a passed step and a failing check as they happen", async () => {
    const ann = learners.Ann as Page;
    const annCell = row("Ann").locator(`[data-step="${LAB}/pull-image"]`);
    expect(await annCell.getAttribute("data-state")).toBe("attempting");
    await typeInTerminal(ann, "docker pull redis:7\n");
    await waitForScreen(ann, /Status: (Downloaded|Image is up to date)/, 90_000);
    const step = ann.locator('.step[data-step="pull-image"]');
    await step.locator('[data-action="check"]').click();
    await expect
      .poll(() => step.locator(".step-result").getAttribute("data-kind"), { timeout: 30_000 })
      .toBe("ok");
    await expect.poll(() => annCell.getAttribute("data-state"), { timeout: 10_000 }).toBe("done");

    const bo = learners.Bo as Page;
    await bo.locator('.step[data-step="pull-image"] [data-action="check"]').click();
    const boCell = row("Bo").locator(`[data-step="${LAB}/pull-image"]`);
    await expect.poll(() => boCell.getAttribute("data-state"), { timeout: 30_000 }).toBe("failing");
    expect(await boCell.getAttribute("title")).toMatch(/redis:7/);

    const stats = instructor.locator(`.stats tr[data-step="${LAB}/pull-image"]`);
    await expect.poll(() => stats.locator('[data-field="passed"]').textContent()).toBe("1");
    expect(await stats.locator('[data-field="attempted"]').textContent()).toBe("2");
    expect(await stats.locator('[data-field="failed"]').textContent()).toBe("1");
  });

  it("the instructor watches a terminal live and read-only", async () => {
    const ann = learners.Ann as Page;
    await row("Ann").locator('[data-action="watch"]').click();
    await instructor.waitForSelector(".watch .xterm-rows", { timeout: 15_000 });
    await typeInTerminal(ann, "echo learner-typed-$((20+3))\n");
    await waitForScreen(instructor, /learner-typed-23/, 15_000);
    expect(await instructor.locator('[data-field="watch-mode"]').textContent()).toBe("read-only");

    // Keys in the read-only view never reach the shell...
    await typeInTerminal(instructor, "echo watcher-typed-$((30+4))\n");
    // ...nor does INPUT sent on a raw socket as the instructor.
    const raw = await rawSocket(instructor, await envIdOf(ann), "echo raw-instructor-$((40+5))\r");
    expect(raw.readOnly).toBe(true);
    await typeInTerminal(ann, "echo learner-still-here\n");
    await waitForScreen(ann, /learner-still-here/);
    const annScreen = await screenText(ann);
    expect(annScreen).not.toContain("watcher-typed-34");
    expect(annScreen).not.toContain("raw-instructor-45");
  });

  it("take control types into the learner's shell, the learner is told, and gets it back", async () => {
    const ann = learners.Ann as Page;
    await instructor.click('.watch [data-action="take-control"]');
    await expect
      .poll(() => ann.locator(".lab-control").isVisible(), { timeout: 10_000 })
      .toBe(true);
    expect(await ann.locator(".lab-control").getAttribute("data-controller")).toBe("instructor");
    await expect
      .poll(() => instructor.locator('[data-field="watch-mode"]').textContent())
      .toMatch(/you are typing/);
    await typeInTerminal(instructor, "echo from-instructor-$((6*7))\n");
    await waitForScreen(ann, /^from-instructor-42$/m, 15_000);
    // While the instructor has control, the learner's keys are held back.
    const raw = await rawSocket(ann, await envIdOf(ann), "echo learner-blocked-$((7*8))\r");
    expect(raw.readOnly).toBe(true);

    await instructor.click('.watch [data-action="give-back"]');
    await expect
      .poll(() => ann.locator(".lab-control").getAttribute("data-controller"), { timeout: 10_000 })
      .toBe("learner");
    await typeInTerminal(ann, "echo learner-again-$((9*9))\n");
    const screen = await waitForScreen(ann, /^learner-again-81$/m);
    expect(screen).not.toContain("learner-blocked-56");
  });

  it("a broadcast appears on every learner's page", async () => {
    await instructor.fill(".dash-broadcast input", "Break until 15:10");
    await instructor.click('.dash-broadcast button[type="submit"]');
    for (const page of Object.values(learners)) {
      await expect
        .poll(() => page.locator(".workshop-broadcast").textContent(), { timeout: 10_000 })
        .toBe("Break until 15:10");
    }
  });

  it("reset gives the learner a fresh environment", async () => {
    const bo = learners.Bo as Page;
    await typeInTerminal(bo, "echo kept > ~/before-reset && echo marker-written\n");
    await waitForScreen(bo, /^marker-written$/m);
    const before = await envIdOf(bo);
    await row("Bo").locator('[data-action="reset"]').click();
    await expect.poll(() => envIdOf(bo), { timeout: 120_000 }).not.toBe(before);
    // The page follows on its own: the learner is told, and the old terminal is replaced.
    await expect
      .poll(() => bo.locator(".lab-status").textContent(), { timeout: 30_000 })
      .toContain("讲师为你重置了实验环境");
    await expect
      .poll(
        async () => {
          const text = await screenText(bo);
          return /root@workstation/.test(text) && !text.includes("marker-written");
        },
        { timeout: 120_000 },
      )
      .toBe(true);
    await typeInTerminal(bo, "ls ~/before-reset || echo marker-gone\n");
    await waitForScreen(bo, /^marker-gone$/m, 15_000);
  });

  it("extending a learner's time moves their end", async () => {
    const chen = learners.Chen as Page;
    const expiresAt = () =>
      chen.evaluate(
        async () =>
          ((await (await fetch("/api/workshop/me")).json()) as { expiresAt: number }).expiresAt,
      );
    const before = await expiresAt();
    await row("Chen").locator('[data-action="extend"]').click();
    await expect.poll(expiresAt, { timeout: 10_000 }).toBe(before + 15 * 60_000);
  });

  it("a fourth learner over the seat limit is told the room is full", async () => {
    const dan = await join("Dan");
    await expect.poll(() => dan.locator(".join-full").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(dan.url()).toContain("/join/");
    const status = await dan.evaluate(async () => (await fetch("/api/workshop/me")).status);
    expect(status).toBe(403);
  });

  it("a learner cannot open the dashboard or another learner's terminal", async () => {
    const ann = learners.Ann as Page;
    const page = await ann.context().newPage();
    const res = await page.goto(`${server.url}/workshop/`);
    expect(res?.status()).toBe(403);
    const api = await page.evaluate(async () => (await fetch("/api/workshop/dashboard")).status);
    expect(api).toBe(403);
    const reset = await page.evaluate(async () => {
      const r = await fetch("/api/workshop/broadcast", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "spoofed" }),
      });
      return r.status;
    });
    expect(reset).toBe(403);
    const chenEnv = await envIdOf(learners.Chen as Page);
    const attempt = await rawSocket(ann, chenEnv, "echo intruder\r");
    expect(attempt.code).toBe(4403);
    await page.close();
  });

  it("the step report downloads as CSV", async () => {
    const csv = await instructor.evaluate(async () =>
      (await fetch("/api/workshop/stats.csv")).text(),
    );
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("lab,step,title,attempted,failed_checks,passed,median_seconds_to_pass");
    expect(lines.find((l) => l.startsWith(`${LAB},pull-image,`))).toMatch(/,2,1,1,\d+$/);
  });
});
