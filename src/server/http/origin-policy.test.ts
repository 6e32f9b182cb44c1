// The Origin rule for HTTP and the WebSocket (origin-policy.ts), request by request.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { fromOwnSite, httpOriginAllowed, websocketOriginAllowed } from "./origin-policy.ts";

function req(method: string, origin?: string, host = "10.0.0.5:4321"): IncomingMessage {
  return {
    method,
    headers: { host, ...(origin !== undefined ? { origin } : {}) },
  } as IncomingMessage;
}

describe("the Origin policy", () => {
  it("knows our own site by host and port, and calls a malformed Origin foreign", () => {
    expect(fromOwnSite(req("POST", "http://10.0.0.5:4321"))).toBe(true);
    expect(fromOwnSite(req("POST", "https://10.0.0.5:4321"))).toBe(true);
    expect(fromOwnSite(req("POST", "http://10.0.0.5:4322"))).toBe(false);
    expect(fromOwnSite(req("POST", "http://evil.example"))).toBe(false);
    expect(fromOwnSite(req("POST", "null"))).toBe(false);
    expect(fromOwnSite(req("POST"))).toBeUndefined();
  });

  it("HTTP: refuses changes from another site; reads and Origin-less requests pass", () => {
    expect(httpOriginAllowed(req("POST", "http://evil.example"))).toBe(false);
    expect(httpOriginAllowed(req("DELETE", "null"))).toBe(false);
    expect(httpOriginAllowed(req("POST", "http://10.0.0.5:4321"))).toBe(true);
    expect(httpOriginAllowed(req("POST"))).toBe(true);
    expect(httpOriginAllowed(req("GET", "http://evil.example"))).toBe(true);
    expect(httpOriginAllowed(req("HEAD", "http://evil.example"))).toBe(true);
  });

  it("WebSocket: an Origin is required and must be ours", () => {
    expect(websocketOriginAllowed(req("GET", "http://10.0.0.5:4321"))).toBe(true);
    expect(websocketOriginAllowed(req("GET"))).toBe(false);
    expect(websocketOriginAllowed(req("GET", "http://evil.example"))).toBe(false);
    expect(websocketOriginAllowed(req("GET", "null"))).toBe(false);
  });
});
