// Server-sent events: the live channel of the dashboard and the learner's workshop bar. One
// event per message, JSON data, a comment every 15 s so proxies keep the connection open.
import type { IncomingMessage, ServerResponse } from "node:http";

const KEEPALIVE_MS = 15_000;

export interface EventStream {
  send(event: string, data: unknown): void;
  /** Runs when the client goes away. */
  onClose(fn: () => void): void;
}

export function openEventStream(req: IncomingMessage, res: ServerResponse): EventStream {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write("retry: 2000\n\n");
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  const closers: (() => void)[] = [() => clearInterval(keepalive)];
  req.on("close", () => closers.forEach((fn) => fn()));
  return {
    send: (event, data) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose: (fn) => closers.push(fn),
  };
}
