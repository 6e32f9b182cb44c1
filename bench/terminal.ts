// Benchmark of the browser terminal path, against a direct `docker exec` TTY in the same run:
//  - keystroke echo latency (p50/p99): a key pressed in Chromium until xterm.js shows it, vs. a
//    byte written to a dockerode exec TTY until its echo comes back;
//  - `cat` of a ~50 MB file through the terminal: time, and the page's worst main-thread stall;
//  - JavaScript a lesson page ships before and after its terminal opens.
// Run: npx tsx bench/terminal.ts   (needs the images built)
// Another lab's terminal: LAB=docker-basics HOST=workstation LESSON=zh/03-docker-basics
// SKIP_CAT=1 npx tsx bench/terminal.ts
import type { Page } from "playwright-core";
import {
  launchBrowser,
  startTestServer,
  typeInTerminal,
  waitForScreen,
} from "../tests/e2e/harness.ts";
import { engine } from "../tests/integration/helpers.ts";
import { names } from "../src/server/provisioner/docker/container-config.ts";

const KEYS = Number(process.env.KEYS ?? 200);
const LAB = process.env.LAB ?? "redis-replication";
const HOST = process.env.HOST ?? "tools";
const LESSON = process.env.LESSON ?? "zh/12-redis-replication";

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

async function browserEcho(page: Page): Promise<number[]> {
  await typeInTerminal(page, "cat > /dev/null\n");
  await page.waitForTimeout(500);
  const samples: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    // Arm a probe in the page (timestamp at keydown, stop at the first change of the terminal's
    // rows), press a key, then collect the probe's measurement.
    await page.evaluate(() => {
      const w = window as unknown as { echo: Promise<number> };
      w.echo = new Promise<number>((resolve) => {
        let t0 = 0;
        const rows = document.querySelector(".term-box:not([hidden]) .xterm-rows") as HTMLElement;
        // (No named inner functions: tsx would wrap them in a helper the page lacks.)
        window.addEventListener("keydown", () => (t0 = performance.now()), {
          capture: true,
          once: true,
        });
        const obs = new MutationObserver(() => {
          if (!t0) return;
          obs.disconnect();
          resolve(performance.now() - t0);
        });
        obs.observe(rows, { childList: true, subtree: true, characterData: true });
      });
    });
    await page.keyboard.press("a");
    samples.push(await page.evaluate(() => (window as unknown as { echo: Promise<number> }).echo));
  }
  await page.keyboard.press("Control+C");
  return samples;
}

async function directEcho(envId: string, host: string): Promise<number[]> {
  const { docker } = engine();
  const container = docker.getContainer(names.container(envId, host));
  const exec = await container.exec({
    Cmd: ["cat"],
    AttachStdin: true,
    AttachStdout: true,
    Tty: true,
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const samples: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const t0 = performance.now();
    const echoed = new Promise<void>((resolve) => stream.once("data", () => resolve()));
    stream.write("a");
    await echoed;
    samples.push(performance.now() - t0);
  }
  stream.destroy();
  return samples;
}

async function bigCat(page: Page): Promise<{ seconds: number; worstStallMs: number }> {
  await typeInTerminal(
    page,
    "clear; head -c 37500000 /dev/urandom | base64 -w 200 > /tmp/big; ls -l /tmp/big\n",
  );
  await waitForScreen(page, /\/tmp\/big/, 120_000);
  await page.evaluate(() => {
    const w = window as unknown as { worstStall: number; stallTimer: number };
    w.worstStall = 0;
    let last = performance.now();
    w.stallTimer = window.setInterval(() => {
      const now = performance.now();
      w.worstStall = Math.max(w.worstStall, now - last - 20);
      last = now;
    }, 20);
  });
  const t0 = Date.now();
  await typeInTerminal(page, "cat /tmp/big; echo CAT-DONE-$((40+2))\n");
  await waitForScreen(page, /CAT-DONE-42/, 600_000);
  const seconds = (Date.now() - t0) / 1000;
  const worstStallMs = await page.evaluate(() => {
    const w = window as unknown as { worstStall: number; stallTimer: number };
    clearInterval(w.stallTimer);
    return w.worstStall;
  });
  return { seconds, worstStallMs };
}

async function main(): Promise<void> {
  const server = await startTestServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const jsBytes = { before: 0, after: 0 };
    let terminalOpen = false;
    page.on("response", async (res) => {
      if (!res.url().endsWith(".js")) return;
      const size = (await res.body().catch(() => Buffer.alloc(0))).length;
      if (terminalOpen) jsBytes.after += size;
      else jsBytes.before += size;
    });
    await page.goto(`${server.url}/${LESSON}/`, { waitUntil: "load" });
    await page.waitForTimeout(1500);
    const beforeStart = jsBytes.before;
    terminalOpen = true; // everything loaded from here on is what opening the lab costs
    await page.click('.lab-panel [data-action="start-lab"]');
    await waitForScreen(page, new RegExp(`@${HOST}`), 180_000);
    await page.waitForTimeout(500);
    const envId = await page.evaluate(
      async (lab: string) =>
        ((await (await fetch(`/api/labs/${lab}/env`)).json()) as { envId: string }).envId,
      LAB,
    );

    const browserSamples = await browserEcho(page);
    const directSamples = await directEcho(envId, HOST);
    const cat = process.env.SKIP_CAT ? undefined : await bigCat(page);
    const f = (x: number) => x.toFixed(1);
    console.log(`keystroke echo, ${KEYS} keys:`);
    console.log(
      `  browser (xterm.js -> WebSocket -> server -> docker exec)  p50 ${f(percentile(browserSamples, 50))} ms  p99 ${f(percentile(browserSamples, 99))} ms`,
    );
    console.log(
      `  direct docker exec TTY (baseline)                        p50 ${f(percentile(directSamples, 50))} ms  p99 ${f(percentile(directSamples, 99))} ms`,
    );
    if (cat)
      console.log(
        `cat of ~50 MB through the browser terminal: ${f(cat.seconds)} s (${f(50 / cat.seconds)} MB/s); worst main-thread stall ${f(cat.worstStallMs)} ms`,
      );
    console.log(
      `JavaScript shipped: ${(beforeStart / 1024).toFixed(1)} KiB before the lab starts, +${(jsBytes.after / 1024).toFixed(1)} KiB when the terminal opens (xterm.js)`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
