// JSON answers and errors of the HTTP API: errors are `{error: {code, message}}` with the right
// status; an engine that does not answer is 503 "engine-unavailable".
import type { ServerResponse } from "node:http";
import { isEngineUnavailable } from "../provisioner/types.ts";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError)
    json(res, err.status, { error: { code: err.code, message: err.message } });
  // The engine is restarting: nothing was lost, ask again (the lab panel does, every 2 s).
  else if (isEngineUnavailable(err))
    json(res, 503, { error: { code: err.code, message: err.message } }, { "retry-after": "2" });
  else json(res, 500, { error: { code: "internal", message: (err as Error).message } });
}
