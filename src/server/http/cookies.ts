// The learner's cookie: an unguessable token, HttpOnly (scripts cannot read it), SameSite=Strict
// (other sites cannot send it), and Secure when the server speaks TLS (never sent in clear text).
import type { IncomingMessage } from "node:http";

export const TOKEN_COOKIE = "archlab_learner";
const ONE_YEAR_S = 365 * 24 * 3600;

/** Whether the request came over TLS (the server was started with a certificate). */
export function overTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

export function learnerCookie(token: string, secure = false): string {
  return `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ONE_YEAR_S}${secure ? "; Secure" : ""}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=") || undefined;
  }
  return undefined;
}

/**
 * The workshop instructor's cookie: the instructor key itself, HttpOnly. SameSite=Lax so the
 * instructor URL works when opened from a chat or mail link (it redirects to the dashboard).
 */
export const INSTRUCTOR_COOKIE = "archlab_instructor";

export function instructorCookie(key: string, secure = false): string {
  return `${INSTRUCTOR_COOKIE}=${key}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${2 * 24 * 3600}${secure ? "; Secure" : ""}`;
}
