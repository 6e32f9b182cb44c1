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

/** Calls the API; without a (valid) learner session, creates one once and retries. */
export async function api<T>(method: string, path: string, retried = false): Promise<T> {
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
  if (!res.ok) {
    const err = await errorOf(res);
    if (SESSION_PROBLEMS.has(err.code) && !retried) {
      await ensureSession();
      return api<T>(method, path, true);
    }
    throw err;
  }
  return (await res.json()) as T;
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
