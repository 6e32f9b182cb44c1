// One process serves it all on one port: the built course site, the HTTP API and the terminal
// WebSocket. Binds 127.0.0.1 by default (DESIGN §5).
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type Docker from "dockerode";
import { WebSocketServer } from "ws";
import { LESSONS_DIR } from "../../lab/catalog.ts";
import type { LoadedLab } from "../../lab/loader.ts";
import { lessonPagesByLab } from "../../lab/lessons.ts";
import { MAX_FRAME_BYTES } from "../../protocol/terminal.ts";
import { Grader } from "../grader/grader.ts";
import { reap } from "../provisioner/docker/reaper.ts";
import type { DockerProvisioner } from "../provisioner/docker/docker-provisioner.ts";
import { claimServerIdentity } from "../provisioner/server-identity.ts";
import { adoptEnvironments } from "../sessions/adoption.ts";
import { LabSessions } from "../sessions/lab-sessions.ts";
import { WarmPool } from "../sessions/warm-pool.ts";
import { Store } from "../storage/store.ts";
import { Close, handleTerminalSocket, ShellRegistry, type Principal } from "../terminal/gateway.ts";
import { assertKnownLabs, type WorkshopConfig } from "../workshop/config.ts";
import { Workshop } from "../workshop/workshop.ts";
import { handleApi, HttpError, sendError, type ApiDeps } from "./api.ts";
import { readCookie, TOKEN_COOKIE } from "./cookies.ts";
import { dockerHostAddress, PortPreview } from "./preview.ts";
import { serveStatic } from "./static.ts";
import { StepBackgrounds } from "./step-backgrounds.ts";
import { forbiddenPage, instructorEntry, isInstructor, WorkshopApi } from "./workshop-api.ts";

export interface ServerOptions {
  host: string;
  port: number;
  siteDir: string;
  dbFile: string;
  labs: LoadedLab[];
  docker: Docker;
  provisioner: DockerProvisioner;
  envTtlMs?: number;
  maxEnvironments?: number;
  /** Run a workshop: seats, join code, instructor dashboard, warm pool. */
  workshop?: WorkshopConfig;
  /** How often a workshop checks seats for expiry and idleness (tests shorten it). */
  workshopSweepMs?: number;
  /** Serve HTTPS and WSS with this certificate and key (PEM); cookies are then Secure. */
  tls?: { cert: string; key: string };
}

export interface RunningServer {
  url: string;
  server: Server;
  sessions: LabSessions;
  workshop?: Workshop;
  close(): Promise<void>;
}

/** The workshop's labs, in its order; an unknown id is an error that names the known ones. */
function workshopLabs(config: WorkshopConfig, labs: Map<string, LoadedLab>): LoadedLab[] {
  assertKnownLabs(config.labs, [...labs.keys()]);
  return config.labs.map((id) => labs.get(id) as LoadedLab);
}

const REAP_EVERY_MS = 60_000;

/** Whether a WebSocket upgrade comes from this site's own pages. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const labs = new Map(options.labs.map((l) => [l.lab.id, l]));
  const config = options.workshop;
  const roomLabs = config ? workshopLabs(config, labs) : [];
  // Stable across restarts on the same database: a restarted server adopts what it started.
  const identity = claimServerIdentity(options.dbFile);
  const { owner } = identity;
  const store = new Store(options.dbFile);
  const shells = new ShellRegistry(options.provisioner);
  // A workshop's environments live as long as a seat may (with extensions); the reaper still
  // removes them at once if this server dies.
  const ttlMs = options.envTtlMs ?? (config ? config.sessionMs + 12 * 3600_000 : 2 * 3600_000);
  const pool = config
    ? new WarmPool(options.provisioner, roomLabs, {
        size: config.pool.size,
        memoryBudgetBytes: config.pool.memoryBytes,
        owner,
        ttlMs,
        log: (line) => console.error(line),
      })
    : undefined;
  let workshop: Workshop | undefined;
  const sessions = new LabSessions(
    options.provisioner,
    {
      owner,
      ttlMs,
      maxEnvironments:
        options.maxEnvironments ?? Math.max(20, config ? config.seats * roomLabs.length : 0),
      ...(pool ? { pool } : {}),
      onChange: (learnerId, labId, state) => {
        if (state === "ready") store.recordReady(learnerId, labId);
        const lab = labs.get(labId);
        const envId = lab ? sessions.status(learnerId, lab).envId : undefined;
        if (state === "ready" && lab && envId) backgrounds.ready(envId, lab);
        workshop?.changed();
      },
    },
    (envId) => shells.closeEnv(envId),
  );
  if (config && pool) {
    workshop = new Workshop({
      config,
      store,
      sessions,
      shells,
      labs: roomLabs,
      pool,
      lessonPages: lessonPagesByLab(LESSONS_DIR, [...labs.keys()]),
    });
  }
  const grader = new Grader(options.provisioner);
  // Imported scenarios' background scripts, run as their steps open.
  const backgrounds = new StepBackgrounds((envId, script) => grader.run(envId, script));
  const apiDeps: ApiDeps = {
    labs,
    sessions,
    grader,
    store,
    backgrounds,
    ...(workshop ? { workshop: { workshop, api: new WorkshopApi(workshop, store) } } : {}),
  };
  const preview = new PortPreview({
    labs,
    learnerByToken: (token) => store.learnerByToken(token),
    isInstructorKey: (key) => workshop?.room.isInstructor(key) ?? false,
    envOf: (learnerId, labId) => {
      const lab = labs.get(labId);
      const status = lab ? sessions.status(learnerId, lab) : undefined;
      return status?.state === "ready" ? status.envId : undefined;
    },
    ownerOf: (envId) => sessions.owner(envId),
    address: dockerHostAddress(options.docker),
  });
  const adoption = await adoptEnvironments({
    provisioner: options.provisioner,
    owner,
    labs,
    sessions,
    ...(pool ? { pool } : {}),
    // In a workshop, only a learner with a seat that has not ended gets an environment back.
    knownLearner: (id) => (workshop ? workshop.room.active(id) : store.hasLearner(id)),
  });
  if (adoption.adopted.length > 0 || adoption.removed.length > 0)
    console.error(
      `archlab: after a restart, took back ${adoption.adopted.length} environment(s)` +
        adoption.removed.map((r) => `; removed ${r.envId} (${r.reason})`).join(""),
    );
  await reap(options.docker, options.provisioner);
  const reaper = setInterval(
    () => void reap(options.docker, options.provisioner).catch(() => undefined),
    REAP_EVERY_MS,
  );
  reaper.unref();

  const handler: RequestListener = (req, res) => {
    res.setHeader("x-frame-options", "SAMEORIGIN");
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    if (preview.handle(req, res)) return;
    if (pathname.startsWith("/api/")) {
      handleApi(req, res, apiDeps).catch((err) => sendError(res, err));
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
    if (!sameOrigin(req)) return refuse(403, "Forbidden");
    const token = readCookie(req.headers.cookie, TOKEN_COOKIE);
    const learnerId = token ? store.learnerByToken(token) : undefined;
    const who: Principal = {
      ...(learnerId ? { learnerId } : {}),
      instructor: isInstructor(req, workshop),
    };
    if (!who.learnerId && !who.instructor) return refuse(token ? 403 : 401, "Unauthorized");
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("error", () => ws.close(Close.badFrame, "frame too large"));
      handleTerminalSocket(
        ws,
        who,
        {
          provisioner: options.provisioner,
          roleFor: async (principal, envId, host) => {
            const envOwner = sessions.owner(envId);
            const lab = envOwner ? labs.get(envOwner.labId) : undefined;
            if (!envOwner || lab?.lab.hosts[host]?.terminal !== true) return undefined;
            if (principal.learnerId === envOwner.learnerId) return "learner";
            if (principal.instructor) return "instructor";
            return undefined;
          },
          onInput: (principal) => {
            if (principal.learnerId) workshop?.touch(principal.learnerId);
          },
        },
        shells,
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === "0.0.0.0" ? "localhost" : options.host;
  const url = `${options.tls ? "https" : "http"}://${shownHost}:${port}`;
  if (workshop) {
    workshop.publicUrl = url;
    workshop.start(options.workshopSweepMs);
  }
  let closing: Promise<void> | undefined;
  const close = async () => {
    clearInterval(reaper);
    for (const ws of wss.clients) ws.terminate();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await workshop?.close();
    await sessions.destroyAll();
    store.close();
    identity.release();
  };
  return {
    url,
    server,
    sessions,
    ...(workshop ? { workshop } : {}),
    // Once, however often it is called (a signal handler and a test may both call it).
    close: () => (closing ??= close()),
  };
}
