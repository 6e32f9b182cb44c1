// Port preview against real sockets: a real HTTP + WebSocket server stands in for the lab host
// (its "bridge address" is 127.0.0.1), the preview runs in a real node:http server.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { LoadedLab } from "../../lab/loader.ts";
import { forwardHeaders, PortPreview, rewriteLocation, rewriteSetCookie } from "./preview.ts";

let upstream: Server;
let upstreamPort: number;
let front: Server;
let base: string;
let seen: IncomingMessage[] = [];

const ENV_A = "eaaaaaaaaaa";
const ENV_B = "ebbbbbbbbbb";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push(req);
    if (req.url === "/go") {
      res.writeHead(302, { location: "/landed", "set-cookie": ["app=1; Path=/; HttpOnly"] });
      return res.end();
    }
    res.writeHead(200, {
      "content-type": "text/plain",
      "content-security-policy": "default-src *",
    });
    res.end(`upstream saw ${req.method} ${req.url} host=${req.headers.host}`);
  });
  const wss = new WebSocketServer({ server: upstream });
  wss.on("connection", (ws, req) => {
    ws.on("message", (m) => ws.send(`echo:${String(m)} at ${req.url}`));
  });
  upstreamPort = await listen(upstream);
  const lab = {
    lab: {
      id: "shop",
      hosts: { web: { preview: [{ port: upstreamPort }] }, db: {} },
    },
  } as unknown as LoadedLab;
  const preview = new PortPreview({
    labs: new Map([["shop", lab]]),
    learnerByToken: (t) => ({ "tok-a": "alice", "tok-b": "bob" })[t],
    isInstructorKey: (k) => k === "teach",
    envOf: (learner, labId) =>
      labId === "shop"
        ? ({ alice: ENV_A, bob: ENV_B } as Record<string, string>)[learner]
        : undefined,
    ownerOf: (env) =>
      env === ENV_A
        ? { learnerId: "alice", labId: "shop" }
        : env === ENV_B
          ? { learnerId: "bob", labId: "shop" }
          : undefined,
    address: async () => "127.0.0.1",
  });
  front = createServer((req, res) => {
    if (!preview.handle(req, res)) res.writeHead(404).end();
  });
  front.on("upgrade", (req, socket, head) => {
    if (!preview.upgrade(req, socket, head)) socket.destroy();
  });
  base = `http://127.0.0.1:${await listen(front)}`;
});

afterAll(async () => {
  front?.closeAllConnections();
  upstream?.closeAllConnections();
  await new Promise((r) => front?.close(r));
  await new Promise((r) => upstream?.close(r));
});

const ALICE = "archlab_learner=tok-a";
const BOB = "archlab_learner=tok-b";

async function open(query: string, cookie: string): Promise<Response> {
  return fetch(`${base}/preview/open?${query}`, { headers: { cookie }, redirect: "manual" });
}

async function linkFor(cookie: string, query = `lab=shop&host=web&port=${0}`): Promise<string> {
  const res = await open(query.replace("port=0", `port=${upstreamPort}`), cookie);
  expect(res.status).toBe(303);
  return res.headers.get("location") as string;
}

describe("port preview", () => {
  it("opens the owner's host port through a link of their own, sandboxed", async () => {
    const link = await linkFor(ALICE);
    expect(link).toMatch(/^\/preview\/[A-Za-z0-9_-]{32}\/$/);
    seen = [];
    const res = await fetch(`${base}${link}items?q=1`, {
      headers: { cookie: `${ALICE}; archlab_instructor=teach; theirs=kept` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`upstream saw GET /items?q=1 host=web:${upstreamPort}`);
    // Sandboxed (opaque origin), the upstream's own policy replaced.
    expect(res.headers.get("content-security-policy")).toMatch(/^sandbox /);
    expect(seen[0]?.headers.cookie).toBe("theirs=kept");
    expect(seen[0]?.headers["x-forwarded-prefix"]).toBe(link.replace(/\/$/, ""));
  });

  it("works without any cookie once the link exists (the sandboxed page sends none)", async () => {
    const link = await linkFor(ALICE);
    const res = await fetch(`${base}${link}x`);
    expect(res.status).toBe(200);
  });

  it("keeps redirects and cookies inside the preview", async () => {
    const link = await linkFor(ALICE);
    const res = await fetch(`${base}${link}go`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${link}landed`);
    expect(res.headers.get("set-cookie")).toBe(`app=1; HttpOnly; Path=${link}`);
  });

  it("refuses another learner: 403 on the environment and on the owner's link", async () => {
    const res = await open(`env=${ENV_A}&host=web&port=${upstreamPort}`, BOB);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("not yours");
    const link = await linkFor(ALICE);
    const stolen = await fetch(`${base}${link}`, { headers: { cookie: BOB } });
    expect(stolen.status).toBe(403);
    // Bob's own environment opens for Bob.
    expect((await open(`env=${ENV_B}&host=web&port=${upstreamPort}`, BOB)).status).toBe(303);
  });

  it("lets the instructor open a learner's environment", async () => {
    const res = await open(
      `env=${ENV_A}&host=web&port=${upstreamPort}`,
      "archlab_instructor=teach",
    );
    expect(res.status).toBe(303);
    const wrongKey = await open(
      `env=${ENV_A}&host=web&port=${upstreamPort}`,
      "archlab_instructor=x",
    );
    expect(wrongKey.status).toBe(403);
  });

  it("offers only the ports the lab declares, and says which", async () => {
    const res = await open(`lab=shop&host=db&port=5432`, ALICE);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain(`web:${upstreamPort}`);
    expect((await open(`lab=shop&host=web&port=22`, ALICE)).status).toBe(404);
    expect((await open(`lab=shop&host=../x&port=80`, ALICE)).status).toBe(400);
    expect((await open(`lab=shop&host=web&port=${upstreamPort}`, "")).status).toBe(401);
    expect((await fetch(`${base}/preview/${"x".repeat(32)}/`)).status).toBe(404);
  });

  it("proxies WebSocket upgrades, and refuses them to another learner", async () => {
    const link = await linkFor(ALICE);
    const wsUrl = `${base.replace("http", "ws")}${link}chat`;
    const ws = new WebSocket(wsUrl);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on("open", () => ws.send("hi"));
      ws.on("message", (m) => resolve(String(m)));
      ws.on("error", reject);
    });
    ws.close();
    expect(reply).toBe("echo:hi at /chat");
    const other = new WebSocket(wsUrl, { headers: { cookie: BOB } });
    const status = await new Promise<number>((resolve) => {
      other.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      other.on("open", () => resolve(101));
      other.on("error", () => undefined);
    });
    expect(status).toBe(403);
  });

  it("says so when nothing listens on the port", async () => {
    upstream.closeAllConnections();
    const link = await linkFor(ALICE);
    await new Promise((r) => upstream.close(r));
    const res = await fetch(`${base}${link}`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("nothing answers on web:");
    upstreamPort = await new Promise<number>((r) =>
      upstream.listen(upstreamPort, "127.0.0.1", () => r(upstreamPort)),
    );
  });
});

describe("preview helpers", () => {
  const target = { host: "web", port: 80, prefix: "/preview/T/" };
  it("rewrites the lab host's redirects", () => {
    expect(rewriteLocation("/a/b", target)).toBe("/preview/T/a/b");
    expect(rewriteLocation("http://web/a", target)).toBe("/preview/T/a");
    expect(rewriteLocation("http://web:80/", target)).toBe("/preview/T/");
    expect(rewriteLocation("https://example.org/", target)).toBe("https://example.org/");
    expect(rewriteLocation("//evil/", target)).toBe("//evil/");
  });
  it("scopes cookies to the preview", () => {
    expect(rewriteSetCookie("a=1; Domain=x; path=/", "/preview/T/")).toBe("a=1; Path=/preview/T/");
  });
  it("drops archlab's cookies and hop-by-hop headers", () => {
    const h = forwardHeaders(
      { cookie: "archlab_learner=s; archlab_instructor=k", connection: "close", host: "h" },
      target,
    );
    expect(h.cookie).toBeUndefined();
    expect(h.connection).toBeUndefined();
    expect(h.host).toBe("web");
  });
});
