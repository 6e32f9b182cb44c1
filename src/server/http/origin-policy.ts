// The one Origin rule of the lab server, for its HTTP API and its terminal WebSocket.
//
// "Our own site" means: the request's Origin names the same host and port as its Host header
// (so it holds on 127.0.0.1, on a LAN address or behind a name, whatever the server binds).
// A malformed Origin — `null` from a sandboxed port-preview page, for one — is foreign.
//
// - HTTP: a request that changes something (any method but GET and HEAD) and carries an Origin
//   must come from our own site. One without an Origin passes: browsers send Origin on every
//   cross-site POST/PUT/DELETE, so a missing one is curl, a script or a same-site navigation,
//   and the learner's cookie is SameSite=Strict, which already keeps other sites' requests
//   from carrying it — the Origin check is the second lock. Reads are not checked: answers are
//   not readable cross-site without CORS headers, which the API never sends.
// - WebSocket: the upgrade must carry an Origin, and it must be ours. A WebSocket is not
//   covered by CORS, and the browser attaches the page's cookies to it, so without this check
//   any site the learner opens could drive their terminal (cross-site WebSocket hijacking).
//   Every browser sends Origin on an upgrade; a client that does not is refused.
import type { IncomingMessage } from "node:http";

/** Whether the request's Origin is this server's own; undefined when it has none. */
export function fromOwnSite(req: IncomingMessage): boolean | undefined {
  const origin = req.headers.origin;
  if (origin === undefined || origin === "") return undefined;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The HTTP API's rule: changes from another site are refused; reads and Origin-less pass. */
export function httpOriginAllowed(req: IncomingMessage): boolean {
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return true;
  return fromOwnSite(req) !== false;
}

/** The terminal WebSocket's rule: an Origin is required, and it must be ours. */
export function websocketOriginAllowed(req: IncomingMessage): boolean {
  return fromOwnSite(req) === true;
}
