// Brings up a Docker engine when none answers: as root on Debian, install docker.io (and
// debootstrap, for the base image) and start dockerd with --live-restore (containers keep
// running while dockerd restarts); anywhere else, say exactly what to do.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { EngineUnreachableError, engineAddress } from "./client.ts";

export type Log = (line: string) => void;

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

function aptInstall(packages: string[], log: Log): void {
  log(`installing ${packages.join(", ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-q"],
    ["install", "-y", "-q", "--no-install-recommends", ...packages],
  ]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${r.status})`);
  }
}

export const DAEMON_JSON = "/etc/docker/daemon.json";

/** How to turn live-restore on for an engine that runs without it. */
export const LIVE_RESTORE_FIX =
  `add "live-restore": true to ${DAEMON_JSON} (e.g. {"live-restore": true}) and reload dockerd ` +
  "(systemctl reload docker, or kill -HUP the dockerd process)";

/**
 * The flags archlab starts dockerd with: --live-restore, unless daemon.json already sets
 * live-restore (dockerd refuses a setting given both as a flag and in the file).
 */
export function dockerdArgs(daemonJson = DAEMON_JSON): string[] {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(daemonJson, "utf8"));
  } catch {
    return ["--live-restore"];
  }
  const set = typeof config === "object" && config !== null && "live-restore" in config;
  return set ? [] : ["--live-restore"];
}

/** Makes sure an engine answers; may install and start one. Returns what it did. */
export async function ensureEngine(docker: Docker, log: Log): Promise<"running" | "started"> {
  if (await answers(docker)) return "running";
  const canInstall = process.platform === "linux" && process.getuid?.() === 0 && has("apt-get");
  if (!canInstall || process.env.DOCKER_HOST) {
    const how =
      process.platform === "darwin"
        ? "install Docker Desktop (or colima) and start it"
        : "install Docker Engine (Debian/Ubuntu: `sudo apt-get install docker.io`) and start it, " +
          "or run this command as root and it will do that for you";
    throw new EngineUnreachableError(engineAddress(), new Error(`no engine answers; ${how}`));
  }
  const missing = [
    has("dockerd") ? "" : "docker.io",
    has("debootstrap") ? "" : "debootstrap",
  ].filter(Boolean);
  if (missing.length > 0) aptInstall(missing, log);
  const logDir = path.join(homedir(), ".archlab");
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, "dockerd.log");
  const args = dockerdArgs();
  log(`starting dockerd${args.length ? ` ${args.join(" ")}` : ""} (log: ${logFile})`);
  const out = openSync(logFile, "a");
  spawn("dockerd", args, { detached: true, stdio: ["ignore", out, out] }).unref();
  for (let i = 0; i < 120; i++) {
    if (await answers(docker)) return "started";
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new EngineUnreachableError(
    engineAddress(),
    new Error(`dockerd did not answer within 60 s; see ${logFile}`),
  );
}
