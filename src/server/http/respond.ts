// JSON answers and errors of the HTTP API: errors are `{error: {code, message}}` with the right
// status.
import type { ServerResponse } from "node:http";

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
  else json(res, 500, { error: { code: "internal", message: (err as Error).message } });
}
