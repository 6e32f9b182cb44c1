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
