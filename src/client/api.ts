// The browser's side of the lab API: JSON in and out, and a learner session created on demand.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as {
    error?: { code: string; message: string };
  };
  return new ApiError(
    res.status,
    body.error?.code ?? "error",
    body.error?.message ?? res.statusText,
  );
}

async function ensureSession(): Promise<void> {
  const res = await fetch("/api/session", { method: "POST", credentials: "same-origin" });
  // In a workshop this says where to join instead.
  if (!res.ok) throw await errorOf(res);
}

const SESSION_PROBLEMS = new Set(["no-session", "bad-session"]);

/**
 * Dispatched on window each time the server answers 503 "engine-unavailable" (dockerd is
 * restarting) and the call is about to be tried again (`detail.waiting` true), and once a call
 * that waited is answered (false); the lab panel shows it.
 */
export const ENGINE_WAIT_EVENT = "archlab:engine-unavailable";
const ENGINE_RETRY_MS = 2000;
/** How long a call waits for the engine before the error is shown as it is. */
const ENGINE_WAIT_MS = 10 * 60_000;

function engineWait(waiting: boolean): void {
  window.dispatchEvent(new CustomEvent(ENGINE_WAIT_EVENT, { detail: { waiting } }));
}

/**
 * Calls the API; without a (valid) learner session, creates one once and retries. While the
 * Docker engine restarts (503 "engine-unavailable": nothing was done, nothing is lost) the same
 * call is tried again every 2 s, up to 10 minutes.
 */
export async function api<T>(method: string, path: string): Promise<T> {
  const since = Date.now();
  let sessionMade = false;
  let waited = false;
  for (;;) {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        credentials: "same-origin",
        headers: { accept: "application/json" },
      });
    } catch {
      throw new ApiError(0, "offline", "the lab server does not answer");
    }
    if (res.ok) {
      if (waited) engineWait(false);
      return (await res.json()) as T;
    }
    const err = await errorOf(res);
    if (SESSION_PROBLEMS.has(err.code) && !sessionMade) {
      sessionMade = true;
      await ensureSession();
      continue;
    }
    if (
      err.status === 503 &&
      err.code === "engine-unavailable" &&
      Date.now() - since < ENGINE_WAIT_MS
    ) {
      waited = true;
      engineWait(true);
      await new Promise((r) => setTimeout(r, ENGINE_RETRY_MS));
      continue;
    }
    if (waited) engineWait(false);
    throw err;
  }
}

/** Whether a lab server is behind this page (a static build opened without one has none). */
export async function serverAvailable(): Promise<boolean> {
  try {
    const res = await fetch("/api/health", { credentials: "same-origin" });
    return res.ok && (res.headers.get("content-type") ?? "").includes("json");
  } catch {
    return false;
  }
}
