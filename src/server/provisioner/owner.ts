// Who owns an environment. "cli" environments live until `archlab env down` or their expiry;
// a process-owned one ("pid:<pid>@<boot id>") dies with that process: once the process is gone
// (or the machine rebooted) the reaper removes what it left behind. A lab server owns its
// environments as "server:<id>" (server-identity.ts): the id outlives a restart of the same
// server, which adopts them again.
import { bootId, serverOwnerAlive } from "./server-identity.ts";

export const CLI_OWNER = "cli";

export function processOwner(pid = process.pid): string {
  return `pid:${pid}@${bootId()}`;
}

/** Whether the owner is still alive (a CLI owner always is). */
export function ownerAlive(owner: string): boolean {
  if (owner.startsWith("server:")) return serverOwnerAlive(owner);
  const m = /^pid:(\d+)@(.+)$/.exec(owner);
  if (!m) return owner === CLI_OWNER;
  if (m[2] !== bootId()) return false;
  try {
    process.kill(Number(m[1]), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
