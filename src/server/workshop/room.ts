// The room of a workshop: its join code and instructor key, the seats (who joined, under which
// name, until when, last active when), and the messages each learner's page is sent. Seats are
// saved in the store so a report can be made after the room closes.
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { LearnerEventBody } from "../../protocol/workshop.ts";
import type { Store } from "../storage/store.ts";

/** Letters and digits nobody mistakes for each other when read off a projector. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 6;
const NAME_MAX = 40;

export interface Seat {
  learnerId: string;
  name: string;
  joinedAt: number;
  expiresAt: number;
  lastActiveAt: number;
  /** Set once the seat's time is up (its environments are gone; progress stays). */
  endedAt?: number;
  /** Set when idle environments were removed; cleared by the next activity. */
  idleSince?: number;
}

export type LearnerEvent = LearnerEventBody;

export class RoomFullError extends Error {
  constructor(readonly seats: number) {
    super(`the room is full: all ${seats} seats are taken. Ask the instructor for a seat.`);
  }
}

export class JoinError extends Error {}

/** A fresh join code, e.g. "K7QM2P". */
export function newJoinCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Trims a display name and refuses empty, over-long or control-character names. */
export function cleanDisplayName(raw: unknown): string {
  if (typeof raw !== "string") throw new JoinError("enter a display name");
  const name = raw.normalize("NFC").replace(/\s+/g, " ").trim();
  if (name.length === 0) throw new JoinError("enter a display name");
  if ([...name].length > NAME_MAX)
    throw new JoinError(`a display name has at most ${NAME_MAX} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f<>]/.test(name))
    throw new JoinError("a display name cannot contain control characters or < >");
  return name;
}

export interface RoomOptions {
  workshopId: string;
  seats: number;
  sessionMs: number;
  idleMs: number;
  now?: () => number;
  /** The room of a workshop whose server restarted: same code, key and seats. */
  resume?: { code: string; instructorKey: string; seats: Seat[] };
}

export class Room {
  readonly code: string;
  /** The instructor's secret (shown in the instructor URL). */
  readonly instructorKey: string;
  private readonly seats = new Map<string, Seat>();
  private readonly listeners = new Map<string, Set<(e: LearnerEvent) => void>>();
  private lastBroadcast: { text: string; at: number } | undefined;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: RoomOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.code = options.resume?.code ?? newJoinCode();
    this.instructorKey = options.resume?.instructorKey ?? randomBytes(24).toString("base64url");
    for (const seat of options.resume?.seats ?? []) this.seats.set(seat.learnerId, { ...seat });
  }

  get capacity(): number {
    return this.options.seats;
  }

  get taken(): number {
    return [...this.seats.values()].filter((s) => s.endedAt === undefined).length;
  }

  checkCode(code: unknown): boolean {
    if (typeof code !== "string") return false;
    return timingSafeEqual(digest(code.trim().toUpperCase()), digest(this.code));
  }

  isInstructor(key: string | undefined): boolean {
    return key !== undefined && timingSafeEqual(digest(key), digest(this.instructorKey));
  }

  seat(learnerId: string): Seat | undefined {
    return this.seats.get(learnerId);
  }

  all(): Seat[] {
    return [...this.seats.values()];
  }

  /**
   * Seats a learner. A learner who already has a seat keeps it (a second tab, a rejoin);
   * a new one needs a free seat. Names are made unique with a number ("Li (2)").
   */
  join(learnerId: string, rawName: unknown): Seat {
    const existing = this.seats.get(learnerId);
    if (existing && existing.endedAt === undefined) return existing;
    if (existing) throw new JoinError("your workshop session has ended");
    const base = cleanDisplayName(rawName);
    if (this.taken >= this.options.seats) throw new RoomFullError(this.options.seats);
    const names = new Set([...this.seats.values()].map((s) => s.name));
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base} (${n})`;
    const now = this.now();
    const seat: Seat = {
      learnerId,
      name,
      joinedAt: now,
      expiresAt: now + this.options.sessionMs,
      lastActiveAt: now,
    };
    this.seats.set(learnerId, seat);
    this.save(seat);
    return seat;
  }

  private save(seat: Seat): void {
    this.store.saveSeat({
      workshopId: this.options.workshopId,
      learnerId: seat.learnerId,
      displayName: seat.name,
      joinedAt: seat.joinedAt,
      expiresAt: seat.expiresAt,
      endedAt: seat.endedAt ?? null,
    });
  }

  /** Whether the learner holds a seat whose time is not up. */
  active(learnerId: string): boolean {
    const seat = this.seats.get(learnerId);
    return seat !== undefined && seat.endedAt === undefined;
  }

  /** Notes activity (typing, an API call); returns true when the learner was idle until now. */
  touch(learnerId: string): boolean {
    const seat = this.seats.get(learnerId);
    if (!seat) return false;
    seat.lastActiveAt = this.now();
    const wasIdle = seat.idleSince !== undefined;
    delete seat.idleSince;
    return wasIdle;
  }

  extend(learnerId: string, ms: number): Seat {
    const seat = this.seats.get(learnerId);
    if (!seat) throw new JoinError("no such learner in this workshop");
    // Reopening an ended seat takes a seat again: only while one is free.
    if (seat.endedAt !== undefined && this.taken >= this.options.seats)
      throw new RoomFullError(this.options.seats);
    seat.expiresAt = Math.max(seat.expiresAt, this.now()) + ms;
    delete seat.endedAt;
    this.save(seat);
    this.emit(learnerId, { type: "time", expiresAt: seat.expiresAt });
    return seat;
  }

  /**
   * Seats whose time ran out (now ended) and seats idle past the limit (their environments
   * should go); each is reported once.
   */
  sweep(): { ended: Seat[]; idle: Seat[] } {
    const now = this.now();
    const ended: Seat[] = [];
    const idle: Seat[] = [];
    for (const seat of this.seats.values()) {
      if (seat.endedAt !== undefined) continue;
      if (now >= seat.expiresAt) {
        seat.endedAt = now;
        this.save(seat);
        ended.push(seat);
        this.emit(seat.learnerId, { type: "ended" });
      } else if (seat.idleSince === undefined && now - seat.lastActiveAt >= this.options.idleMs) {
        seat.idleSince = now;
        idle.push(seat);
      }
    }
    return { ended, idle };
  }

  broadcast(text: string): { text: string; at: number } {
    const message = { text, at: this.now() };
    this.lastBroadcast = message;
    for (const learnerId of this.listeners.keys())
      this.emit(learnerId, { type: "broadcast", ...message });
    return message;
  }

  get broadcastMessage(): { text: string; at: number } | undefined {
    return this.lastBroadcast;
  }

  emit(learnerId: string, event: LearnerEvent): void {
    for (const fn of this.listeners.get(learnerId) ?? []) fn(event);
  }

  /** Listens to one learner's events (their open pages); returns the unsubscribe. */
  subscribe(learnerId: string, fn: (e: LearnerEvent) => void): () => void {
    let set = this.listeners.get(learnerId);
    if (!set) this.listeners.set(learnerId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      // Only this set: a later subscriber may have made a new one.
      if (set.size === 0 && this.listeners.get(learnerId) === set) this.listeners.delete(learnerId);
    };
  }
}
