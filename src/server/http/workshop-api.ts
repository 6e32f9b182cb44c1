// The workshop's HTTP side: the join endpoint (code + display name -> a seat and a learner
// cookie), the learner's seat and live events, and the instructor's dashboard, live snapshots,
// actions and CSV report. Instructor routes need the instructor cookie; learners get 403.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { parseDuration } from "../../lab/units.ts";
import type { Store } from "../storage/store.ts";
import { JoinError, RoomFullError } from "../workshop/room.ts";
import { WorkshopError, type Workshop } from "../workshop/workshop.ts";
import { HttpError, json } from "./respond.ts";
import { readJson } from "./body.ts";
import {
  INSTRUCTOR_COOKIE,
  instructorCookie,
  learnerCookie,
  overTls,
  readCookie,
  TOKEN_COOKIE,
} from "./cookies.ts";
import { openEventStream } from "./sse.ts";
import { REQUEST_ID_RE } from "../../protocol/ids.ts";

const STATUS: Record<WorkshopError["code"], number> = {
  "not-joined": 403,
  ended: 410,
  "not-in-workshop": 403,
  "unknown-learner": 404,
  "no-environment": 409,
  "no-shell": 409,
};

/** The same error as an HttpError (status from the kind of problem). */
export function httpErrorOf(err: unknown): unknown {
  if (err instanceof WorkshopError) return new HttpError(STATUS[err.code], err.code, err.message);
  if (err instanceof RoomFullError) return new HttpError(409, "room-full", err.message);
  if (err instanceof JoinError) return new HttpError(400, "bad-join", err.message);
  return err;
}

export function isInstructor(req: IncomingMessage, workshop: Workshop | undefined): boolean {
  return workshop?.room.isInstructor(readCookie(req.headers.cookie, INSTRUCTOR_COOKIE)) ?? false;
}

function learnerIdOf(req: IncomingMessage, store: Store): string | undefined {
  const token = readCookie(req.headers.cookie, TOKEN_COOKIE);
  return token ? store.learnerByToken(token) : undefined;
}

/** Wrong join codes allowed per address per minute (a 6-letter code must not be guessable). */
const MAX_BAD_CODES = 10;

class BadCodeLimiter {
  private readonly hits = new Map<string, { count: number; until: number }>();
  blocked(ip: string, now = Date.now()): boolean {
    const h = this.hits.get(ip);
    return h !== undefined && h.until > now && h.count >= MAX_BAD_CODES;
  }
  failed(ip: string, now = Date.now()): void {
    const h = this.hits.get(ip);
    if (!h || h.until <= now) this.hits.set(ip, { count: 1, until: now + 60_000 });
    else h.count++;
  }
}

const JoinBody = z.object({
  code: z.string().max(32),
  name: z.string().max(200),
  lang: z.enum(["zh", "en"]).optional(),
});
const LabBody = z.object({ lab: z.string().regex(REQUEST_ID_RE) });
const ExtendBody = z.object({
  by: z
    .string()
    .regex(/^\d+(m|h)$/, { error: 'write the extra time as e.g. "15m" or "1h"' })
    .default("15m"),
});
const ControlBody = z.object({
  lab: z.string().regex(REQUEST_ID_RE),
  host: z.string().regex(REQUEST_ID_RE),
  take: z.boolean(),
});
const BroadcastBody = z.object({ text: z.string().trim().min(1).max(500) });

export class WorkshopApi {
  private readonly limiter = new BadCodeLimiter();

  constructor(
    private readonly workshop: Workshop,
    private readonly store: Store,
  ) {}

  /** Handles /api/workshop/...; false when the path is not a workshop route. */
  async handle(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<boolean> {
    try {
      return await this.route(req, res, parts);
    } catch (err) {
      throw httpErrorOf(err);
    }
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    parts: string[],
  ): Promise<boolean> {
    const method = req.method ?? "GET";
    const path = parts.slice(1).join("/");
    const w = this.workshop;
    if (path === "" && method === "GET") return (json(res, 200, w.info()), true);
    if (path === "join" && method === "POST") return (await this.join(req, res), true);
    if (path === "me" || path === "me/events") {
      const learnerId = learnerIdOf(req, this.store);
      if (!learnerId || !w.room.seat(learnerId))
        throw new WorkshopError("not-joined", "join the workshop first (open /join/)");
      if (path === "me") return (json(res, 200, w.seatInfo(learnerId)), true);
      const stream = openEventStream(req, res);
      stream.onClose(w.room.subscribe(learnerId, (e) => stream.send(e.type, e)));
      return true;
    }

    if (!isInstructor(req, w))
      throw new HttpError(403, "instructor-only", "this is for the workshop's instructor only");
    if (path === "dashboard" && method === "GET") return (json(res, 200, w.snapshot()), true);
    if (path === "dashboard/events" && method === "GET") {
      const stream = openEventStream(req, res);
      stream.send("snapshot", w.snapshot());
      stream.onClose(w.subscribeDashboard((s) => stream.send("snapshot", s)));
      return true;
    }
    if (path === "stats.csv" && method === "GET") {
      res.writeHead(200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="workshop-${w.id.slice(0, 8)}-steps.csv"`,
        "cache-control": "no-store",
      });
      res.end(w.statsCsv());
      return true;
    }
    if (path === "broadcast" && method === "POST") {
      const { text } = await readJson(req, BroadcastBody);
      return (json(res, 200, w.broadcast(text)), true);
    }
    if (
      parts[1] === "learners" &&
      parts[2] !== undefined &&
      parts.length === 4 &&
      method === "POST"
    ) {
      const learnerId = parts[2];
      if (!/^[0-9a-f-]{36}$/.test(learnerId))
        throw new HttpError(404, "unknown-learner", `"${learnerId}" is not a learner id`);
      if (parts[3] === "reset") {
        const { lab } = await readJson(req, LabBody);
        await w.resetLearner(learnerId, lab);
        return (json(res, 202, { ok: true }), true);
      }
      if (parts[3] === "extend") {
        const { by } = await readJson(req, ExtendBody);
        const seat = w.extend(learnerId, parseDuration(by));
        return (json(res, 200, { expiresAt: seat.expiresAt }), true);
      }
      if (parts[3] === "control") {
        const { lab, host, take } = await readJson(req, ControlBody);
        await w.control(learnerId, lab, host, take);
        return (json(res, 200, { ok: true, controller: take ? "instructor" : "learner" }), true);
      }
    }
    return false;
  }

  private async join(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ip = req.socket.remoteAddress ?? "?";
    if (this.limiter.blocked(ip))
      throw new HttpError(
        429,
        "too-many-attempts",
        "too many wrong codes: wait a minute and try again",
      );
    const body = await readJson(req, JoinBody);
    if (!this.workshop.room.checkCode(body.code)) {
      this.limiter.failed(ip);
      throw new HttpError(
        403,
        "bad-code",
        "that join code is not right: check it with your instructor (6 letters and digits)",
      );
    }
    let learnerId = learnerIdOf(req, this.store);
    const headers: Record<string, string> = {};
    if (!learnerId || !this.workshop.room.seat(learnerId)) {
      // Validate before creating anything, so a refused join leaves nothing behind.
      if (this.workshop.info().full) throw new RoomFullError(this.workshop.info().seats);
      if (!learnerId) {
        const created = this.store.createLearner();
        learnerId = created.id;
        headers["set-cookie"] = learnerCookie(created.token, overTls(req));
      }
    }
    const seat = this.workshop.join(learnerId, body.name);
    json(
      res,
      200,
      { name: seat.name, next: this.workshop.firstLesson(body.lang ?? "zh") },
      headers,
    );
  }
}

/**
 * GET /workshop/instructor?key=...: a valid key becomes the instructor cookie and the browser
 * goes on to the dashboard (the key leaves the address bar).
 */
export function instructorEntry(
  req: IncomingMessage,
  res: ServerResponse,
  workshop: Workshop,
): void {
  const key = new URL(req.url ?? "/", "http://localhost").searchParams.get("key") ?? undefined;
  if (!workshop.room.isInstructor(key)) {
    res.writeHead(403, { "content-type": "text/html; charset=utf-8" });
    res.end(
      forbiddenPage(
        "This instructor link is not valid. Copy it again from the terminal where <code>archlab workshop</code> runs.",
      ),
    );
    return;
  }
  res.writeHead(303, {
    location: "/workshop/",
    "set-cookie": instructorCookie(key as string, overTls(req)),
  });
  res.end();
}

export function forbiddenPage(message: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Instructors only · archlab</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>Instructors only</h1><p>${message}</p><p><a href="/join/">Join the workshop as a learner</a></p></body></html>`;
}
