// The learner's cookie: an unguessable token, HttpOnly (scripts cannot read it), SameSite=Strict
// (other sites cannot send it).
export const TOKEN_COOKIE = "archlab_learner";
const ONE_YEAR_S = 365 * 24 * 3600;

export function learnerCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ONE_YEAR_S}`;
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

export function instructorCookie(key: string): string {
  return `${INSTRUCTOR_COOKIE}=${key}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${2 * 24 * 3600}`;
}
