// Port preview: a lab host's TCP port opened in a browser tab through the lab server (HTTP and
// WebSocket), for the environment's owner and the workshop's instructor only. The lab host is
// never published on the machine's ports: the server connects to the host's address on the
// environment's bridge network.
//
//   GET /preview/open?lab=LAB&host=H&port=P[&path=/x]   the learner's own environment of LAB
//   GET /preview/open?env=ENV&host=H&port=P[&path=/x]   an environment by id (owner or instructor)
//     -> 303 to /preview/<token>/x, a capability bound to that viewer, environment, host and port
//   ANY /preview/<token>/...  (and WebSocket upgrades there) -> http://H:P/...
//
// Proxied pages are the lab's (so the learner's) content: they are served sandboxed
// (`Content-Security-Policy: sandbox`, an opaque origin), so their scripts cannot call the lab
// API with the viewer's cookies; archlab's own cookies are never forwarded to the lab host.
import { randomBytes } from "node:crypto";
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { LoadedLab } from "../../lab/loader.ts";
import { INSTRUCTOR_COOKIE, readCookie, TOKEN_COOKIE } from "./cookies.ts";
import { ENV_ID_RE as ENV_RE, NAME_RE } from "../../protocol/ids.ts";

/** Where a host of an environment can be reached from the server (Provisioner.hostAddress). */
export type HostAddress = (envId: string, host: string) => Promise<string>;

export interface PreviewDeps {
  labs: Map<string, LoadedLab>;
  /** The learner behind a learner token, if any. */
  learnerByToken(token: string): string | undefined;
  /** Whether an instructor key is this workshop's. */
  isInstructorKey(key: string | undefined): boolean;
  /** The environment a learner has of a lab, when it is ready. */
  envOf(learnerId: string, labId: string): string | undefined;
  /** Who owns an environment (undefined: no such environment on this server). */
  ownerOf(envId: string): { learnerId: string; labId: string } | undefined;
  address: HostAddress;
  /** How long a preview link lives without use (default 4 h). */
  idleMs?: number;
}

interface Grant {
  envId: string;
  labId: string;
  host: string;
  port: number;
  viewer: { learnerId: string } | { instructor: true };
  lastUsed: number;
}

export const PREVIEW_PREFIX = "/preview/";
const TOKEN_RE = /^[A-Za-z0-9_-]{32}$/;
const PATH_RE = /^\/[\x21-\x7e]*$/;
/** Sandboxed, so the page has an opaque origin and never the lab server's. */
const SANDBOX =
  "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads allow-popups-to-escape-sandbox";
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

class PreviewError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

function page(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(
    `<!doctype html><meta charset="utf-8"><title>archlab preview</title>` +
      `<body style="font-family:sans-serif;max-width:40em;margin:3em auto">` +
      `<h1>Port preview</h1><p>${escapeHtml(message)}</p></body>`,
  );
}

/** Request headers for the lab host: archlab's cookies removed, hop-by-hop headers dropped. */
export function forwardHeaders(
  headers: IncomingHttpHeaders,
  target: { host: string; port: number; prefix: string },
  keepUpgrade = false,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) && !(keepUpgrade && (name === "upgrade" || name === "connection")))
      continue;
    if (name === "host" || name === "origin" || name === "referer") continue;
    if (name === "cookie") {
      const kept = String(value)
        .split(";")
        .map((c) => c.trim())
        .filter((c) => {
          const key = c.split("=")[0];
          return c && key !== TOKEN_COOKIE && key !== INSTRUCTOR_COOKIE;
        });
      if (kept.length) out.cookie = kept.join("; ");
      continue;
    }
    out[name] = value;
  }
  out.host = target.port === 80 ? target.host : `${target.host}:${target.port}`;
  out["x-forwarded-prefix"] = target.prefix.replace(/\/$/, "");
  if (headers.host) out["x-forwarded-host"] = headers.host;
  return out;
}

/** A redirect of the lab host's, kept inside the preview (its own absolute URLs included). */
export function rewriteLocation(
  location: string,
  target: { host: string; port: number; prefix: string },
): string {
  const origins = [`http://${target.host}:${target.port}`];
  if (target.port === 80) origins.push(`http://${target.host}`);
  for (const origin of origins) {
    if (location === origin || location.startsWith(origin + "/"))
      return target.prefix + location.slice(origin.length + 1);
  }
  if (location.startsWith("/") && !location.startsWith("//"))
    return target.prefix + location.slice(1);
  return location;
}

/** A cookie the lab host sets lives under the preview's path only (never the site's). */
export function rewriteSetCookie(cookie: string, prefix: string): string {
  const parts = cookie
    .split(";")
    .map((p) => p.trim())
    .filter((p) => !/^(path|domain)=/i.test(p));
  return [...parts, `Path=${prefix}`].join("; ");
}

export class PortPreview {
  private readonly grants = new Map<string, Grant>();
  private readonly idleMs: number;

  constructor(private readonly deps: PreviewDeps) {
    this.idleMs = deps.idleMs ?? 4 * 3600_000;
  }

  /** Handles a request under /preview/; returns false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith(PREVIEW_PREFIX)) return false;
    try {
      if (url.pathname === PREVIEW_PREFIX + "open") {
        if (req.method !== "GET") throw new PreviewError(405, "open a preview with GET");
        const { token, path } = this.open(req, url);
        res.writeHead(303, {
          location: `${PREVIEW_PREFIX}${token}${path}`,
          "cache-control": "no-store",
        });
        res.end();
        return true;
      }
      const { grant, token, rest } = this.grantOf(req, url);
      void this.proxy(req, res, grant, token, rest + url.search);
    } catch (err) {
      if (err instanceof PreviewError) page(res, err.status, err.message);
      else page(res, 500, String(err));
    }
    return true;
  }

  /** Handles a WebSocket (or any) upgrade under /preview/<token>/; false for other paths. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith(PREVIEW_PREFIX)) return false;
    const refuse = (status: number, message: string) =>
      socket.end(
        `HTTP/1.1 ${status} ${status === 403 ? "Forbidden" : "Not Found"}\r\nConnection: close\r\n` +
          `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
      );
    let found: ReturnType<PortPreview["grantOf"]>;
    try {
      found = this.grantOf(req, url);
    } catch (err) {
      if (err instanceof PreviewError) refuse(err.status, err.message);
      else refuse(404, String(err));
      return true;
    }
    const { grant, token, rest } = found;
    const prefix = `${PREVIEW_PREFIX}${token}/`;
    void this.deps
      .address(grant.envId, grant.host)
      .then((ip) => {
        const upstream: Socket = connect(grant.port, ip);
        upstream.once("connect", () => {
          const headers = forwardHeaders(req.headers, { ...grant, prefix }, true);
          let head1 = `${req.method ?? "GET"} ${rest}${url.search} HTTP/1.1\r\n`;
          for (const [k, v] of Object.entries(headers)) {
            for (const one of Array.isArray(v) ? v : [v]) head1 += `${k}: ${one}\r\n`;
          }
          upstream.write(head1 + "\r\n");
          if (head.length) upstream.write(head);
          upstream.pipe(socket);
          socket.pipe(upstream);
        });
        const end = () => {
          upstream.destroy();
          socket.destroy();
        };
        upstream.on("error", () => {
          if (!upstream.readyState || upstream.connecting)
            refuse(404, `nothing answers on ${grant.host}:${grant.port}`);
          end();
        });
        socket.on("error", end);
        socket.on("close", end);
        upstream.on("close", end);
      })
      .catch(() => refuse(404, `host ${grant.host} is not running`));
    return true;
  }

  /** Mints a preview link for the requester, or says why not. */
  private open(req: IncomingMessage, url: URL): { token: string; path: string } {
    const q = url.searchParams;
    const host = q.get("host") ?? "";
    const portText = q.get("port") ?? "";
    const path = q.get("path") ?? "/";
    if (!NAME_RE.test(host)) throw new PreviewError(400, "?host= must name a host of the lab");
    if (!/^[0-9]{1,5}$/.test(portText)) throw new PreviewError(400, "?port= must be a TCP port");
    if (!PATH_RE.test(path)) throw new PreviewError(400, "?path= must start with /");
    const port = Number(portText);
    const learnerId = this.learner(req);
    const instructor = this.deps.isInstructorKey(readCookie(req.headers.cookie, INSTRUCTOR_COOKIE));
    let envId: string | undefined;
    const labParam = q.get("lab");
    const envParam = q.get("env");
    if (labParam !== null) {
      if (!learnerId)
        throw new PreviewError(401, "open the lesson first: you have no learner session yet");
      envId = NAME_RE.test(labParam) ? this.deps.envOf(learnerId, labParam) : undefined;
      if (!envId)
        throw new PreviewError(409, `start the lab ${labParam} first, then open the preview again`);
    } else if (envParam !== null && ENV_RE.test(envParam)) {
      envId = envParam;
    } else {
      throw new PreviewError(400, "give ?lab=LAB (your environment) or ?env=ENV");
    }
    const owner = this.deps.ownerOf(envId);
    if (!owner) throw new PreviewError(404, `no environment ${envId} on this server`);
    const isOwner = learnerId !== undefined && owner.learnerId === learnerId;
    if (!isOwner && !instructor)
      throw new PreviewError(
        403,
        "this environment is not yours: only its owner and the instructor may preview it",
      );
    const lab = this.deps.labs.get(owner.labId);
    const declared = lab?.lab.hosts[host]?.preview ?? [];
    if (!declared.some((p) => p.port === port)) {
      const offered = Object.entries(lab?.lab.hosts ?? {}).flatMap(([h, spec]) =>
        (spec.preview ?? []).map((p) => `${h}:${p.port}`),
      );
      throw new PreviewError(
        404,
        `${host}:${port} is not a preview port of lab ${owner.labId}` +
          (offered.length ? ` (it offers ${offered.join(", ")})` : " (it offers none)"),
      );
    }
    const token = randomBytes(24).toString("base64url");
    this.grants.set(token, {
      envId,
      labId: owner.labId,
      host,
      port,
      viewer: isOwner ? { learnerId: learnerId } : { instructor: true },
      lastUsed: Date.now(),
    });
    this.sweep();
    return { token, path };
  }

  private learner(req: IncomingMessage): string | undefined {
    const token = readCookie(req.headers.cookie, TOKEN_COOKIE);
    return token ? this.deps.learnerByToken(token) : undefined;
  }

  /** The grant a /preview/<token>/... request uses, checked against who is asking. */
  private grantOf(req: IncomingMessage, url: URL): { grant: Grant; token: string; rest: string } {
    const after = url.pathname.slice(PREVIEW_PREFIX.length);
    const slash = after.indexOf("/");
    const token = slash < 0 ? after : after.slice(0, slash);
    const rest = slash < 0 ? "/" : after.slice(slash);
    const grant = TOKEN_RE.test(token) ? this.grants.get(token) : undefined;
    if (!grant || Date.now() - grant.lastUsed > this.idleMs) {
      if (grant) this.grants.delete(token);
      throw new PreviewError(
        404,
        "this preview link is not valid (any more): open it again from the lesson",
      );
    }
    const owner = this.deps.ownerOf(grant.envId);
    if (!owner) {
      this.grants.delete(token);
      throw new PreviewError(404, "the environment of this preview is gone: start the lab again");
    }
    // A link is its viewer's: someone else's session presenting it is refused. (Requests from
    // the sandboxed page itself carry no cookie of the site and pass on the link alone.)
    const learnerId = this.learner(req);
    if ("learnerId" in grant.viewer) {
      if (learnerId !== undefined && learnerId !== grant.viewer.learnerId)
        throw new PreviewError(403, "this preview belongs to another learner's environment");
    } else if (learnerId !== undefined && learnerId !== owner.learnerId) {
      const instructor = this.deps.isInstructorKey(
        readCookie(req.headers.cookie, INSTRUCTOR_COOKIE),
      );
      if (!instructor) throw new PreviewError(403, "this preview is the instructor's");
    }
    grant.lastUsed = Date.now();
    return { grant, token, rest };
  }

  private async proxy(
    req: IncomingMessage,
    res: ServerResponse,
    grant: Grant,
    token: string,
    path: string,
  ): Promise<void> {
    const prefix = `${PREVIEW_PREFIX}${token}/`;
    let ip: string;
    try {
      ip = await this.deps.address(grant.envId, grant.host);
    } catch {
      return page(res, 502, `host ${grant.host} is not running`);
    }
    const target = { host: grant.host, port: grant.port, prefix };
    const upstream = httpRequest(
      {
        host: ip,
        port: grant.port,
        method: req.method,
        path,
        headers: forwardHeaders(req.headers, target),
      },
      (up) => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(up.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name)) continue;
          if (name === "location") headers[name] = rewriteLocation(String(value), target);
          else if (name === "set-cookie")
            headers[name] = (value as string[]).map((c) => rewriteSetCookie(c, prefix));
          else if (name === "x-frame-options" || name === "content-security-policy") continue;
          else headers[name] = value;
        }
        headers["content-security-policy"] = SANDBOX;
        headers["x-frame-options"] = "SAMEORIGIN";
        headers["referrer-policy"] = "no-referrer";
        headers["access-control-allow-origin"] ??= "*";
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    upstream.setTimeout(30_000, () => upstream.destroy(new Error("timeout")));
    upstream.on("error", (err) => {
      if (res.headersSent) return res.destroy();
      page(
        res,
        502,
        `nothing answers on ${grant.host}:${grant.port} yet (${(err as NodeJS.ErrnoException).code ?? err.message}); start the service, then reload`,
      );
    });
    req.on("aborted", () => upstream.destroy());
    req.pipe(upstream);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, grant] of this.grants) {
      if (now - grant.lastUsed > this.idleMs || !this.deps.ownerOf(grant.envId))
        this.grants.delete(token);
    }
  }
}
