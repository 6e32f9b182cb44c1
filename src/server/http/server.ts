// One process serves it all on one port: the built course site, the HTTP API and the terminal
// WebSocket. Binds 127.0.0.1 by default (DESIGN §5).
import { createServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type Docker from "dockerode";
import { WebSocketServer } from "ws";
import type { LoadedLab } from "../../lab/loader.ts";
import { MAX_FRAME_BYTES } from "../../protocol/terminal.ts";
import { buildApp, type App, type AppOptions } from "../app.ts";
import { claimServerIdentity } from "../provisioner/server-identity.ts";
import type { Provisioner } from "../provisioner/types.ts";
import type { LabSessions } from "../sessions/lab-sessions.ts";
import { Store } from "../storage/store.ts";
import { Close, handleTerminalSocket, type Principal } from "../terminal/gateway.ts";
import { assertKnownLabs, type WorkshopConfig } from "../workshop/config.ts";
import type { Workshop } from "../workshop/workshop.ts";
import { handleApi, HttpError, sendError } from "./api.ts";
import { readCookie, TOKEN_COOKIE } from "./cookies.ts";
import { websocketOriginAllowed } from "./origin-policy.ts";
import { serveStatic } from "./static.ts";
import { forbiddenPage, instructorEntry, isInstructor } from "./workshop-api.ts";

export interface ServerOptions {
  host: string;
  port: number;
  siteDir: string;
  dbFile: string;
  labs: LoadedLab[];
  /** Runs the environments: the Docker one (app.ts `dockerEngine`), or a fake in unit tests. */
  provisioner: Provisioner;
  /** @deprecated Not used any more (the provisioner answers everything); still accepted. */
  docker?: Docker;
  envTtlMs?: number;
  maxEnvironments?: number;
  /** Run a workshop: seats, join code, instructor dashboard, warm pool. */
  workshop?: WorkshopConfig;
  /** How often a workshop checks seats for expiry and idleness (tests shorten it). */
  workshopSweepMs?: number;
  /** Serve HTTPS and WSS with this certificate and key (PEM); cookies are then Secure. */
  tls?: { cert: string; key: string };
  /** The disk guard's cap per environment, floor and period (app.ts; defaults 6 GiB, 30 s). */
  disk?: AppOptions["disk"];
}

export interface RunningServer {
  url: string;
  server: Server;
  sessions: LabSessions;
  workshop?: Workshop;
  /** The object graph behind it (app.ts). */
  app: App;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // An unknown workshop lab fails before anything is claimed or opened.
  if (options.workshop)
    assertKnownLabs(
      options.workshop.labs,
      options.labs.map((l) => l.lab.id),
    );
  // Stable across restarts on the same database: a restarted server adopts what it started.
  const identity = claimServerIdentity(options.dbFile);
  const store = new Store(options.dbFile);
  const app = buildApp({
    provisioner: options.provisioner,
    store,
    labs: options.labs,
    owner: identity.owner,
    ...(options.envTtlMs !== undefined ? { envTtlMs: options.envTtlMs } : {}),
    ...(options.maxEnvironments !== undefined ? { maxEnvironments: options.maxEnvironments } : {}),
    ...(options.workshop ? { workshop: options.workshop } : {}),
    ...(options.disk ? { disk: options.disk } : {}),
  });
  const { workshop, sessions, preview } = app;
  await app.resume();

  const handler: RequestListener = (req, res) => {
    res.setHeader("x-frame-options", "SAMEORIGIN");
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    if (preview.handle(req, res)) return;
    if (pathname.startsWith("/api/")) {
      handleApi(req, res, app.api).catch((err) => sendError(res, err));
    } else if (pathname === "/workshop/instructor" && req.method === "GET") {
      if (workshop) instructorEntry(req, res, workshop);
      else serveStatic(options.siteDir, req, res);
    } else if (pathname.startsWith("/workshop") && !isInstructor(req, workshop)) {
      // The dashboard page is for the instructor only (its API is guarded as well).
      res.writeHead(workshop ? 403 : 404, { "content-type": "text/html; charset=utf-8" });
      res.end(
        forbiddenPage(
          workshop
            ? "The workshop dashboard opens from the instructor link that <code>archlab workshop</code> printed."
            : "This server is not running a workshop: start one with <code>npx archlab workshop</code>.",
        ),
      );
    } else if (req.method === "GET" || req.method === "HEAD") {
      serveStatic(options.siteDir, req, res);
    } else {
      sendError(res, new HttpError(405, "method", `${req.method} is not allowed here`));
    }
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createServer(handler);

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES + 16 });
  server.on("upgrade", (req, socket, head) => {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (preview.upgrade(req, socket, head)) return;
    if (!(req.url ?? "").startsWith("/ws/terminal")) return refuse(404, "Not Found");
    if (!websocketOriginAllowed(req)) return refuse(403, "Forbidden");
    const token = readCookie(req.headers.cookie, TOKEN_COOKIE);
    const learnerId = token ? store.learnerByToken(token) : undefined;
    const who: Principal = {
      ...(learnerId ? { learnerId } : {}),
      instructor: isInstructor(req, workshop),
    };
    if (!who.learnerId && !who.instructor) return refuse(token ? 403 : 401, "Unauthorized");
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("error", () => ws.close(Close.badFrame, "frame too large"));
      handleTerminalSocket(ws, who, app.terminal, app.shells);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === "0.0.0.0" ? "localhost" : options.host;
  const url = `${options.tls ? "https" : "http"}://${shownHost}:${port}`;
  app.startWorkshop(url, options.workshopSweepMs);
  let closing: Promise<void> | undefined;
  const close = async () => {
    for (const ws of wss.clients) ws.terminate();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.close();
    store.close();
    identity.release();
  };
  return {
    url,
    server,
    sessions,
    ...(workshop ? { workshop } : {}),
    app,
    // Once, however often it is called (a signal handler and a test may both call it).
    close: () => (closing ??= close()),
  };
}
