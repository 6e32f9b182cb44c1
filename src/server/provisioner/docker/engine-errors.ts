// Telling "the engine does not answer" apart from every other engine error, by the error's code
// (never its message): a dockerd that is stopped or restarting refuses its socket (ECONNREFUSED),
// has removed it (ENOENT on connect), or drops a connection it had (ECONNRESET, EPIPE). Each is
// turned into one EngineUnavailableError, so sessions keep their environments and the lab API
// answers 503 "engine-unavailable" until the engine answers again.
import { EngineUnavailableError, isEngineUnavailable } from "../types.ts";

const DROPPED = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE"]);

/** Whether a dockerode/docker-modem error means the engine's socket did not answer. */
export function engineDidNotAnswer(err: unknown): boolean {
  if (isEngineUnavailable(err)) return true;
  const e = err as { code?: unknown; syscall?: unknown } | undefined;
  if (typeof e?.code !== "string") return false;
  if (DROPPED.has(e.code)) return true;
  // ENOENT only from connecting to the socket (not, say, a file the engine says is missing).
  return e.code === "ENOENT" && e.syscall === "connect";
}

/** `err` as an EngineUnavailableError when the engine did not answer, else unchanged. */
export function engineError(err: unknown): unknown {
  if (isEngineUnavailable(err)) return err;
  return engineDidNotAnswer(err) ? new EngineUnavailableError(err) : err;
}

/** Runs `fn`, turning "the engine did not answer" into EngineUnavailableError. */
export async function viaEngine<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw engineError(err);
  }
}
