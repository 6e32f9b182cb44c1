// Bad input gets a clear answer and never takes the server down: unknown ids, missing or wrong
// tokens, foreign origins, malformed and oversized WebSocket frames; and a static copy of the
// site without a lab server says how to start one.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SITE_DIR } from "../../src/cli/commands/site.ts";
import type { RunningServer } from "../../src/server/http/server.ts";
import { serveStatic } from "../../src/server/http/static.ts";
import { launchBrowser, startTestServer } from "./harness.ts";

let server: RunningServer;
let cookie: string;

async function api(path: string, init: RequestInit = {}) {
  const res = await fetch(server.url + path, init);
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; message: string } },
  };
}

function socket(headers: Record<string, string>) {
  return new WebSocket(server.url.replace("http", "ws") + "/ws/terminal", { headers });
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/api/session`, { method: "POST" });
  cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
});
afterAll(async () => server?.close());

describe("HTTP API errors", () => {
  it("answers unknown labs and steps with 404 JSON naming the known ones", async () => {
    const lab = await api("/api/labs/no-such-lab/env", { headers: { cookie } });
    expect(lab.status).toBe(404);
    expect(lab.body.error?.message).toMatch(/unknown lab "no-such-lab".*docker-basics/);
    const step = await api("/api/labs/docker-basics/steps/nope/check", {
      method: "POST",
      headers: { cookie },
    });
    expect(step.status).toBe(404);
    expect(step.body.error?.message).toContain("its steps: pull-image");
  });

  it("refuses a missing token with 401 and an unknown one with 403", async () => {
    expect((await api("/api/labs/docker-basics/env")).status).toBe(401);
    const wrong = await api("/api/labs/docker-basics/env", {
      headers: { cookie: "archlab_learner=forged" },
    });
    expect(wrong.status).toBe(403);
  });

  it("refuses a check before the environment exists, and changes from foreign origins", async () => {
    const early = await api("/api/labs/docker-basics/steps/pull-image/check", {
      method: "POST",
      headers: { cookie },
    });
    expect(early.status).toBe(409);
    const badLang = await api("/api/labs/docker-basics/steps/pull-image/check?lang=fr", {
      method: "POST",
      headers: { cookie },
    });
    expect(badLang.status).toBe(400);
    expect(badLang.body.error).toMatchObject({ code: "bad-lang" });
    expect(badLang.body.error?.message).toContain("use one of zh, en");
    const foreign = await api("/api/labs/docker-basics/env", {
      method: "POST",
      headers: { cookie, origin: "http://evil.example" },
    });
    expect(foreign.status).toBe(403);
  });
});

describe("terminal WebSocket errors", () => {
  it("refuses an upgrade from a foreign origin or without a token", async () => {
    const foreign = socket({ cookie, origin: "http://evil.example" });
    const refused = await new Promise<number>((resolve) =>
      foreign.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(refused).toBe(403);
    const anonymous = socket({ origin: server.url });
    const status = await new Promise<number>((resolve) =>
      anonymous.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });

  it("closes only the offending socket on malformed, unknown or oversized frames", async () => {
    const text = socket({ cookie, origin: server.url });
    await new Promise((r) => text.on("open", r));
    text.send("hello as text");
    expect((await closeOf(text)).code).toBe(4400);

    const garbage = socket({ cookie, origin: server.url });
    await new Promise((r) => garbage.on("open", r));
    garbage.send(Buffer.from([1, 123, 34]));
    const bad = await closeOf(garbage);
    expect(bad.code).toBe(4400);
    expect(bad.reason).toContain("JSON");

    const notYours = socket({ cookie, origin: server.url });
    await new Promise((r) => notYours.on("open", r));
    notYours.send(
      Buffer.concat([
        Buffer.from([1]),
        Buffer.from(
          JSON.stringify({ envId: "e0000000000", host: "workstation", cols: 80, rows: 24 }),
        ),
      ]),
    );
    expect((await closeOf(notYours)).code).toBe(4403);

    const huge = socket({ cookie, origin: server.url });
    await new Promise((r) => huge.on("open", r));
    huge.send(Buffer.alloc(200 * 1024, 2));
    expect((await closeOf(huge)).code).toBe(1009);

    // The server is still fine.
    expect((await api("/api/health")).status).toBe(200);
  });
});

describe("the static site without a lab server", () => {
  let plain: Server;
  afterAll(() => plain?.close());

  it("serves the chapters and says how to start a lab server", async () => {
    plain = createServer((req, res) => serveStatic(SITE_DIR, req, res));
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", () => r()));
    const { port } = plain.address() as AddressInfo;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/en/03-docker-basics/`);
      await expect
        .poll(() => page.locator(".lab-status").textContent(), { timeout: 10_000 })
        .toContain("npm start");
      expect(await page.locator("h1").first().textContent()).toBeTruthy();
    } finally {
      await browser.close();
    }
  });

  it("fits a phone: chapters behind a menu button, the lab panel below the text", async () => {
    const { port } = plain.address() as AddressInfo;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(`http://127.0.0.1:${port}/zh/03-docker-basics/`);
      expect(await page.locator(".sidebar").isVisible()).toBe(false);
      await page.locator(".nav-toggle summary").click();
      expect(await page.locator(".sidebar").isVisible()).toBe(true);
      const article = await page.locator("article.lesson").boundingBox();
      const panel = await page.locator("#lab-panel").boundingBox();
      expect(panel && article && panel.y >= article.y + article.height - 1).toBe(true);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await browser.close();
    }
  });
});
