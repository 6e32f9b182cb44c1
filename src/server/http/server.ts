// One process serves it all on one port: the built course site, the HTTP API and the terminal
// WebSocket. Binds 127.0.0.1 by default (DESIGN §5).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Docker from "dockerode";
import { WebSocketServer } from "ws";
import type { LoadedLab } from "../../lab/loader.ts";
import { MAX_FRAME_BYTES } from "../../protocol/terminal.ts";
import { Grader } from "../grader/grader.ts";
import { reap } from "../provisioner/docker/reaper.ts";
import type { DockerProvisioner } from "../provisioner/docker/docker-provisioner.ts";
import { processOwner } from "../provisioner/owner.ts";
import { LabSessions } from "../sessions/lab-sessions.ts";
import { Store } from "../storage/store.ts";
import { Close, handleTerminalSocket, ShellRegistry } from "../terminal/gateway.ts";
import { handleApi, HttpError, learnerOf, sendError } from "./api.ts";
import { serveStatic } from "./static.ts";

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
}

export interface RunningServer {
  url: string;
  server: Server;
  sessions: LabSessions;
  close(): Promise<void>;
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
  const store = new Store(options.dbFile);
  const shells = new ShellRegistry(options.provisioner);
  const sessions = new LabSessions(
    options.provisioner,
    {
      owner: processOwner(),
      ttlMs: options.envTtlMs ?? 2 * 3600_000,
      maxEnvironments: options.maxEnvironments ?? 20,
    },
    (envId) => shells.closeEnv(envId),
  );
  const labs = new Map(options.labs.map((l) => [l.lab.id, l]));
  const grader = new Grader(options.provisioner);
  await reap(options.docker, options.provisioner);
  const reaper = setInterval(
    () => void reap(options.docker, options.provisioner).catch(() => undefined),
    REAP_EVERY_MS,
  );
  reaper.unref();

  const server = createServer((req, res) => {
    res.setHeader("x-frame-options", "SAMEORIGIN");
    if ((req.url ?? "").startsWith("/api/")) {
      handleApi(req, res, { labs, sessions, grader, store }).catch((err) => sendError(res, err));
    } else if (req.method === "GET" || req.method === "HEAD") {
      serveStatic(options.siteDir, req, res);
    } else {
      sendError(res, new HttpError(405, "method", `${req.method} is not allowed here`));
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES + 16 });
  server.on("upgrade", (req, socket, head) => {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!(req.url ?? "").startsWith("/ws/terminal")) return refuse(404, "Not Found");
    if (!sameOrigin(req)) return refuse(403, "Forbidden");
    let learnerId: string;
    try {
      learnerId = learnerOf(req, store);
    } catch (err) {
      return refuse(err instanceof HttpError ? err.status : 401, "Unauthorized");
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("error", () => ws.close(Close.badFrame, "frame too large"));
      handleTerminalSocket(
        ws,
        learnerId,
        {
          provisioner: options.provisioner,
          mayOpen: async (learner, envId, host) => {
            const owner = sessions.owner(envId);
            if (!owner || owner.learnerId !== learner) return false;
            const lab = labs.get(owner.labId);
            return lab?.lab.hosts[host]?.terminal === true;
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
  return {
    url: `http://${shownHost}:${port}`,
    server,
    sessions,
    close: async () => {
      clearInterval(reaper);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sessions.destroyAll();
      store.close();
    },
  };
}
