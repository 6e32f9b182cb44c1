// A lab server's identity, stable across restarts of the same server: the id is kept in a file
// beside its SQLite database, so a server killed with SIGKILL and started again with the same
// database owns ("server:<id>") the environments it had started and adopts them. Whether that
// server is running is told by its registration in a directory every archlab process looks in:
// a file per server id naming its process (pid, boot, start time), touched every minute. An
// environment of a server that is not running is kept for a grace period after its last sign of
// life (a restart takes seconds) and then reaped like any other orphan.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** The first characters of this boot's id: processes of an earlier boot are gone. */
export function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().slice(0, 8);
  } catch {
    return "unknown";
  }
}

const ID_RE = /^[a-z0-9]{12}$/;
const OWNER_RE = /^server:([a-z0-9]{12})$/;

/** Where running servers register (one machine, every user of it). */
export const SERVER_REGISTRY_DIR = path.join(tmpdir(), "archlab-servers");
/** How long the environments of a server that stopped without cleaning up are kept. */
export const RESTART_GRACE_MS = 10 * 60_000;
const HEARTBEAT_MS = 60_000;

interface Registration {
  pid: number;
  boot: string;
  /** The process's start time (clock ticks since boot), so a reused pid is not mistaken. */
  start: string;
  db: string;
}

/** Field 22 of /proc/<pid>/stat, or "" where there is no /proc. */
function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

function processRunning(reg: Registration): boolean {
  if (reg.boot !== bootId()) return false;
  try {
    process.kill(reg.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return processStart(reg.pid) === reg.start;
}

function readRegistration(file: string): Registration | undefined {
  try {
    const reg = JSON.parse(readFileSync(file, "utf8")) as Partial<Registration>;
    if (typeof reg.pid !== "number" || typeof reg.boot !== "string") return undefined;
    return { pid: reg.pid, boot: reg.boot, start: String(reg.start ?? ""), db: String(reg.db) };
  } catch {
    return undefined;
  }
}

export function serverOwner(id: string): string {
  return `server:${id}`;
}

export function isServerOwner(owner: string): boolean {
  return OWNER_RE.test(owner);
}

/**
 * Whether the server behind a "server:<id>" owner is running, or stopped less than `graceMs`
 * ago (it may be restarting). False for anything that is not a server owner.
 */
export function serverOwnerAlive(
  owner: string,
  options: { dir?: string; graceMs?: number; now?: number } = {},
): boolean {
  const m = OWNER_RE.exec(owner);
  if (!m) return false;
  const file = path.join(options.dir ?? SERVER_REGISTRY_DIR, m[1] as string);
  const reg = readRegistration(file);
  if (!reg || reg.boot !== bootId()) return false;
  if (processRunning(reg)) return true;
  try {
    const age = (options.now ?? Date.now()) - statSync(file).mtimeMs;
    return age < (options.graceMs ?? RESTART_GRACE_MS);
  } catch {
    return false;
  }
}

export interface ServerIdentity {
  id: string;
  /** The owner label of the environments this server starts. */
  owner: string;
  /** Unregisters (a clean stop: the server removed its environments). */
  release(): void;
}

/** The id kept beside the database (made on first use); a fresh one for ":memory:". */
function persistentId(dbFile: string): string {
  if (dbFile === ":memory:") return randomBytes(6).toString("hex");
  const file = `${dbFile}.server-id`;
  try {
    const id = readFileSync(file, "utf8").trim();
    if (ID_RE.test(id)) return id;
    throw new Error(
      `${file} does not hold a server id (12 lowercase letters or digits): remove it and start again`,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const id = randomBytes(6).toString("hex");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

/** Removes registrations of servers that stopped longer than the grace period ago. */
function sweepRegistry(dir: string, now = Date.now()): void {
  for (const name of readdirSync(dir)) {
    if (!ID_RE.test(name)) continue;
    if (serverOwnerAlive(serverOwner(name), { dir, now })) continue;
    try {
      if (now - statSync(path.join(dir, name)).mtimeMs >= RESTART_GRACE_MS)
        rmSync(path.join(dir, name), { force: true });
    } catch {
      // Another user's, or gone already.
    }
  }
}

/**
 * Claims the identity of the server of `dbFile`: refuses while another running process holds
 * it (two servers on one database would fight over the same environments), then registers this
 * process and keeps the registration fresh until release().
 */
export function claimServerIdentity(dbFile: string, dir = SERVER_REGISTRY_DIR): ServerIdentity {
  const id = persistentId(dbFile);
  if (mkdirSync(dir, { recursive: true }) !== undefined) {
    // Made here: every user's servers register in it (sticky, like /tmp).
    try {
      chmodSync(dir, 0o1777);
    } catch {
      // Not ours to change: registering below still works for this user.
    }
  }
  sweepRegistry(dir);
  const file = path.join(dir, id);
  const held = readRegistration(file);
  if (held && processRunning(held)) {
    throw new Error(
      `another archlab server (pid ${held.pid}) is running on the database ${dbFile}: stop it, or give this one another --db`,
    );
  }
  const reg: Registration = {
    pid: process.pid,
    boot: bootId(),
    start: processStart(process.pid),
    db: path.resolve(dbFile),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(reg));
  renameSync(tmp, file);
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // Someone removed the registry: the next claim makes it again.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return {
    id,
    owner: serverOwner(id),
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      if (readRegistration(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}
