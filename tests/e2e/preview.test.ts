// Port preview in real Chromium against a real lab (load-balancing): the lesson's link opens
// nginx's port 80 in a new tab through the lab server, the page is sandboxed, the host is not
// published on the machine, and another learner gets 403 — on the environment and on the link.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { engine } from "../integration/helpers.ts";
import { serverAndBrowserForFile, waitForScreen } from "./harness.ts";

const LESSON = "/en/09-load-balancing/";
const { server, browser } = serverAndBrowserForFile();
let page: Page;
let envId: string;
let link: string;

beforeAll(async () => {
  page = await (await browser().newContext({ viewport: { width: 1400, height: 900 } })).newPage();
});

describe("port preview in the browser", () => {
  it("opens nginx's port 80 from the lesson's link in a new tab, sandboxed", async () => {
    await page.goto(server().url + LESSON);
    await page.click('.lab-panel [data-action="start-lab"]');
    await waitForScreen(page, /root@tools/, 180_000);
    envId = await page.evaluate(async () => {
      const res = await fetch("/api/labs/load-balancing/env");
      return ((await res.json()) as { envId: string }).envId;
    });
    const [tab] = await Promise.all([
      page.context().waitForEvent("page"),
      page.click('.preview-link[data-host="nginx"][data-port="80"]'),
    ]);
    await tab.waitForLoadState("domcontentloaded");
    link = new URL(tab.url()).pathname;
    expect(link).toMatch(/^\/preview\/[A-Za-z0-9_-]{32}\/health$/);
    expect(await tab.locator("body").textContent()).toContain("nginx answers by itself");
    // An opaque origin: the page cannot call the lab API as the learner.
    expect(await tab.evaluate(() => window.origin)).toBe("null");
    const apiFromPreview = await tab.evaluate(() =>
      fetch("/api/labs/load-balancing/env").then(
        (r) => `status ${r.status}`,
        () => "blocked",
      ),
    );
    expect(apiFromPreview).toBe("blocked");
    await tab.close();
  });

  it("never publishes the host on the machine's ports", async () => {
    const { docker } = engine();
    const info = await docker.getContainer(`archlab-${envId}-nginx`).inspect();
    expect(Object.keys(info.HostConfig.PortBindings ?? {})).toEqual([]);
    expect(Object.values(info.NetworkSettings.Ports ?? {}).filter(Boolean)).toEqual([]);
  });

  it("follows the lab: the page shows the instance once Nginx forwards to the shop", async () => {
    const { provisioner } = engine();
    const conf =
      "printf '%s\\n' 'upstream shop { server api-1:8000; server api-2:8000; server api-3:8000; }' " +
      "'server { listen 80 default_server; location / { proxy_pass http://shop; } }' " +
      "> /etc/nginx/conf.d/shop.conf && nginx -s reload && sleep 1";
    const done = await provisioner.exec(envId, "nginx", { script: conf }, { timeoutMs: 30_000 });
    expect(done.exitCode).toBe(0);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      await page.goto(server().url + link);
      seen.add(JSON.parse((await page.locator("body").textContent()) ?? "{}").instance as string);
    }
    expect([...seen].sort()).toEqual(["api-1", "api-2", "api-3"]);
  });

  it("gives another learner 403, by environment id and with the owner's link", async () => {
    const other = await (await browser().newContext()).newPage();
    await other.goto(server().url + LESSON); // the lesson page gives them a learner session
    await other.waitForFunction(() => document.cookie !== undefined);
    await other.evaluate(() => fetch("/api/session", { method: "POST" }));
    const byEnv = await other.goto(
      `${server().url}/preview/open?env=${envId}&host=nginx&port=80&path=/health`,
    );
    expect(byEnv?.status()).toBe(403);
    expect(await other.locator("body").textContent()).toContain("not yours");
    const byLink = await other.goto(server().url + link);
    expect(byLink?.status()).toBe(403);
    // And through their own lesson they have no environment to preview yet.
    const own = await other.goto(
      `${server().url}/preview/open?lab=load-balancing&host=nginx&port=80`,
    );
    expect(own?.status()).toBe(409);
    await other.context().close();
  });
});
