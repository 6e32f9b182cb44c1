import { describe, expect, it } from "vitest";
import type { LearnerEvent } from "./room.ts";
import { cleanDisplayName, JoinError, newJoinCode, Room, RoomFullError } from "./room.ts";
import { Store } from "../storage/store.ts";

const MINUTE = 60_000;
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** A room over a real in-memory store, with a clock the test moves. */
function setup(options: { seats?: number; sessionMs?: number; idleMs?: number } = {}) {
  const store = new Store(":memory:");
  const workshop = store.createWorkshop("Test workshop", ["docker-basics"]);
  const clock = { t: 1_700_000_000_000 };
  const room = new Room(store, {
    workshopId: workshop.id,
    seats: options.seats ?? 3,
    sessionMs: options.sessionMs ?? 60 * MINUTE,
    idleMs: options.idleMs ?? 10 * MINUTE,
    now: () => clock.t,
  });
  const learner = () => store.createLearner().id;
  return { store, workshop, clock, room, learner };
}

/** Collects one learner's events. */
function listen(room: Room, learnerId: string) {
  const events: LearnerEvent[] = [];
  const unsubscribe = room.subscribe(learnerId, (e) => events.push(e));
  return { events, unsubscribe };
}

describe("newJoinCode", () => {
  it("is six characters from the unambiguous alphabet", () => {
    const codes = Array.from({ length: 200 }, () => newJoinCode());
    for (const code of codes) {
      expect(code).toHaveLength(6);
      for (const ch of code) expect(CODE_ALPHABET).toContain(ch);
      expect(code).not.toMatch(/[01ILO]/);
    }
    // Random: 200 codes out of 31^6 are practically never all the same.
    expect(new Set(codes).size).toBeGreaterThan(190);
  });
});

describe("Room codes and keys", () => {
  it("gives each room its own join code in the alphabet", () => {
    const { room } = setup();
    expect(room.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
    expect(setup().room.instructorKey).not.toBe(room.instructorKey);
  });

  it("accepts the join code in any case and with spaces around, and rejects others", () => {
    const { room } = setup();
    expect(room.checkCode(room.code)).toBe(true);
    expect(room.checkCode(room.code.toLowerCase())).toBe(true);
    expect(room.checkCode(`  ${room.code.toLowerCase()} `)).toBe(true);
    const other = room.code.startsWith("A") ? `B${room.code.slice(1)}` : `A${room.code.slice(1)}`;
    expect(room.checkCode(other)).toBe(false);
    expect(room.checkCode(room.code.slice(0, 5))).toBe(false);
    expect(room.checkCode("")).toBe(false);
    expect(room.checkCode(undefined)).toBe(false);
    expect(room.checkCode(123456)).toBe(false);
  });

  it("knows the instructor by the exact key only", () => {
    const { room } = setup();
    expect(room.instructorKey.length).toBeGreaterThanOrEqual(32);
    expect(room.isInstructor(room.instructorKey)).toBe(true);
    expect(room.isInstructor(room.instructorKey.slice(0, -1))).toBe(false);
    expect(room.isInstructor(`${room.instructorKey}x`)).toBe(false);
    expect(room.isInstructor("")).toBe(false);
    expect(room.isInstructor(undefined)).toBe(false);
    expect(room.isInstructor(room.code)).toBe(false);
  });
});

describe("cleanDisplayName", () => {
  it("trims and collapses white space", () => {
    expect(cleanDisplayName("  Ada   Lovelace ")).toBe("Ada Lovelace");
    expect(cleanDisplayName("李雷")).toBe("李雷");
  });

  it("accepts 40 characters (counted as code points) and refuses 41", () => {
    expect(cleanDisplayName("a".repeat(40))).toBe("a".repeat(40));
    expect(cleanDisplayName("😀".repeat(40))).toBe("😀".repeat(40));
    expect(() => cleanDisplayName("a".repeat(41))).toThrow(JoinError);
    expect(() => cleanDisplayName("a".repeat(41))).toThrow(/at most 40 characters/);
  });

  it.each([
    ["empty", "", /enter a display name/],
    ["white space only", " \t\n ", /enter a display name/],
    ["not a string", 42, /enter a display name/],
    ["missing", undefined, /enter a display name/],
    ["a NUL", "Ada\u0000", /control characters/],
    ["an escape", "Ada\u001b[31m", /control characters/],
    ["DEL", "Ada\u007f", /control characters/],
    ["markup", "<script>", /< >/],
  ])("refuses %s with a JoinError that says why", (_what, raw, message) => {
    expect(() => cleanDisplayName(raw)).toThrow(JoinError);
    expect(() => cleanDisplayName(raw)).toThrow(message);
  });
});

describe("Room.join", () => {
  it("seats a learner with the session's end and saves the seat", () => {
    const { room, store, workshop, clock, learner } = setup({ sessionMs: 90 * MINUTE });
    const id = learner();
    const seat = room.join(id, "  Ada ");
    expect(seat).toEqual({
      learnerId: id,
      name: "Ada",
      joinedAt: clock.t,
      expiresAt: clock.t + 90 * MINUTE,
      lastActiveAt: clock.t,
    });
    expect(room.seat(id)).toBe(seat);
    expect(room.active(id)).toBe(true);
    expect(room.taken).toBe(1);
    expect(room.capacity).toBe(3);
    expect(store.seats(workshop.id)).toEqual([
      {
        workshopId: workshop.id,
        learnerId: id,
        displayName: "Ada",
        joinedAt: clock.t,
        expiresAt: clock.t + 90 * MINUTE,
        endedAt: null,
      },
    ]);
  });

  it("throws RoomFullError once every seat is taken", () => {
    const { room, store, workshop, learner } = setup({ seats: 2 });
    room.join(learner(), "A");
    room.join(learner(), "B");
    let error: unknown;
    try {
      room.join(learner(), "C");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RoomFullError);
    expect((error as RoomFullError).seats).toBe(2);
    expect((error as Error).message).toMatch(/all 2 seats are taken/);
    expect(room.taken).toBe(2);
    expect(room.all()).toHaveLength(2);
    expect(store.seats(workshop.id)).toHaveLength(2);
  });

  it("lets a seated learner join again (even in a full room) without a new seat", () => {
    const { room, store, workshop, clock, learner } = setup({ seats: 2 });
    const a = learner();
    const first = room.join(a, "Ada");
    clock.t += 1; // store.seats() orders by joinedAt
    room.join(learner(), "Bob");
    clock.t += MINUTE;
    const again = room.join(a, "Another name");
    expect(again).toBe(first);
    expect(again.name).toBe("Ada");
    expect(again.joinedAt).toBe(first.joinedAt);
    expect(room.all()).toHaveLength(2);
    expect(room.taken).toBe(2);
    expect(store.seats(workshop.id).map((s) => s.displayName)).toEqual(["Ada", "Bob"]);
  });

  it("numbers duplicate names", () => {
    const { room, learner } = setup({ seats: 5 });
    expect(room.join(learner(), "Li").name).toBe("Li");
    expect(room.join(learner(), "Li").name).toBe("Li (2)");
    expect(room.join(learner(), " Li ").name).toBe("Li (3)");
    expect(room.join(learner(), "Lu").name).toBe("Lu");
  });

  it("refuses bad names with a JoinError and seats nobody", () => {
    const { room, learner } = setup();
    for (const bad of ["", "   ", "x".repeat(41), "Ada\u0007", "<script>"]) {
      let error: unknown;
      try {
        room.join(learner(), bad);
      } catch (err) {
        error = err;
      }
      expect(error, bad).toBeInstanceOf(JoinError);
      expect((error as Error).message).toMatch(/display name/);
    }
    expect(room.taken).toBe(0);
    expect(room.all()).toEqual([]);
  });

  it("refuses a learner whose session has ended", () => {
    const { room, clock, learner } = setup({ sessionMs: 10 * MINUTE, idleMs: 60 * MINUTE });
    const a = learner();
    room.join(a, "Ada");
    clock.t += 10 * MINUTE;
    room.sweep();
    expect(room.active(a)).toBe(false);
    expect(() => room.join(a, "Ada")).toThrow(/session has ended/);
  });

  it("frees the seat of an ended learner for someone else", () => {
    const { room, clock, learner } = setup({ seats: 1, sessionMs: 10 * MINUTE });
    room.join(learner(), "Ada");
    expect(() => room.join(learner(), "Bob")).toThrow(RoomFullError);
    clock.t += 10 * MINUTE;
    room.sweep();
    expect(room.taken).toBe(0);
    expect(room.join(learner(), "Bob").name).toBe("Bob");
  });

  it("reopens an ended seat with extend only while a seat is free", () => {
    const { room, clock, learner } = setup({ seats: 1, sessionMs: 10 * MINUTE });
    const ada = learner();
    room.join(ada, "Ada");
    clock.t += 10 * MINUTE;
    room.sweep();
    room.join(learner(), "Bob");
    expect(() => room.extend(ada, MINUTE)).toThrow(RoomFullError);
    expect(room.taken).toBe(1);
  });
});

describe("Room.extend", () => {
  it("moves expiresAt, saves it and tells the learner's pages", () => {
    const { room, store, workshop, clock, learner } = setup({ sessionMs: 60 * MINUTE });
    const a = learner();
    const b = learner();
    const joinedAt = clock.t;
    room.join(a, "Ada");
    room.join(b, "Bob");
    const ada = listen(room, a);
    const bob = listen(room, b);
    clock.t += 5 * MINUTE;
    const seat = room.extend(a, 30 * MINUTE);
    expect(seat.expiresAt).toBe(joinedAt + 90 * MINUTE);
    expect(ada.events).toEqual([{ type: "time", expiresAt: joinedAt + 90 * MINUTE }]);
    expect(bob.events).toEqual([]);
    expect(store.seats(workshop.id).find((s) => s.learnerId === a)?.expiresAt).toBe(
      joinedAt + 90 * MINUTE,
    );
  });

  it("counts from now for a seat whose time is already up", () => {
    const { room, store, workshop, clock, learner } = setup({ sessionMs: 10 * MINUTE });
    const a = learner();
    room.join(a, "Ada");
    clock.t += 20 * MINUTE;
    room.sweep();
    expect(room.active(a)).toBe(false);
    const seat = room.extend(a, 15 * MINUTE);
    expect(seat.expiresAt).toBe(clock.t + 15 * MINUTE);
    expect(seat.endedAt).toBeUndefined();
    expect(room.active(a)).toBe(true);
    expect(store.seats(workshop.id)[0]?.endedAt).toBeNull();
  });

  it("refuses a learner without a seat", () => {
    const { room, learner } = setup();
    expect(() => room.extend(learner(), MINUTE)).toThrow(JoinError);
  });
});

describe("Room.sweep", () => {
  it("ends seats whose time is up once, tells them, and saves endedAt", () => {
    const { room, store, workshop, clock, learner } = setup({
      sessionMs: 30 * MINUTE,
      idleMs: 60 * MINUTE,
    });
    const a = learner();
    const b = learner();
    room.join(a, "Ada");
    clock.t += 10 * MINUTE;
    room.join(b, "Bob");
    const ada = listen(room, a);
    const bob = listen(room, b);

    clock.t += 20 * MINUTE - 1; // Ada's time is up in 1 ms
    expect(room.sweep()).toEqual({ ended: [], idle: [] });

    clock.t += 1;
    const endedAt = clock.t;
    const first = room.sweep();
    expect(first.ended.map((s) => s.learnerId)).toEqual([a]);
    expect(first.idle).toEqual([]);
    expect(ada.events).toEqual([{ type: "ended" }]);
    expect(bob.events).toEqual([]);
    expect(room.seat(a)?.endedAt).toBe(endedAt);
    expect(room.active(a)).toBe(false);
    expect(room.active(b)).toBe(true);
    expect(room.taken).toBe(1);

    const saved = store.seats(workshop.id);
    expect(saved.find((s) => s.learnerId === a)?.endedAt).toBe(endedAt);
    expect(saved.find((s) => s.learnerId === b)?.endedAt).toBeNull();

    clock.t += MINUTE;
    expect(room.sweep().ended).toEqual([]);
    expect(ada.events).toHaveLength(1);
  });

  it("reports idle seats once until the learner is active again", () => {
    const { room, clock, learner } = setup({ sessionMs: 600 * MINUTE, idleMs: 10 * MINUTE });
    const a = learner();
    const b = learner();
    room.join(a, "Ada");
    room.join(b, "Bob");
    clock.t += 5 * MINUTE;
    expect(room.touch(b)).toBe(false); // Bob was not idle
    clock.t += 5 * MINUTE - 1;
    expect(room.sweep().idle).toEqual([]);

    clock.t += 1; // Ada idle exactly 10 minutes, Bob 5
    const first = room.sweep();
    expect(first.idle.map((s) => s.learnerId)).toEqual([a]);
    expect(first.ended).toEqual([]);
    expect(room.seat(a)?.idleSince).toBe(clock.t);
    expect(room.active(a)).toBe(true); // idle is not ended

    clock.t += 30 * MINUTE;
    const second = room.sweep();
    expect(second.idle.map((s) => s.learnerId)).toEqual([b]); // Ada is not reported again

    expect(room.touch(a)).toBe(true);
    expect(room.seat(a)?.idleSince).toBeUndefined();
    expect(room.seat(a)?.lastActiveAt).toBe(clock.t);
    expect(room.touch(a)).toBe(false);
    expect(room.sweep().idle).toEqual([]);

    clock.t += 10 * MINUTE;
    expect(room.sweep().idle.map((s) => s.learnerId)).toEqual([a]);
  });

  it("touch is false for a learner without a seat", () => {
    const { room, learner } = setup();
    expect(room.touch(learner())).toBe(false);
  });
});

describe("Room events", () => {
  it("broadcasts to every subscribed learner and keeps the message", () => {
    const { room, clock, learner } = setup();
    const a = learner();
    const b = learner();
    const c = learner();
    room.join(a, "Ada");
    room.join(b, "Bob");
    room.join(c, "Cy");
    const ada = listen(room, a);
    const adaSecondTab = listen(room, a);
    const bob = listen(room, b);
    expect(room.broadcastMessage).toBeUndefined();

    clock.t += 1234;
    const message = room.broadcast("Break until 15:00");
    expect(message).toEqual({ text: "Break until 15:00", at: clock.t });
    const event = { type: "broadcast", text: "Break until 15:00", at: clock.t };
    expect(ada.events).toEqual([event]);
    expect(adaSecondTab.events).toEqual([event]);
    expect(bob.events).toEqual([event]);
    expect(room.broadcastMessage).toEqual(message);

    clock.t += 1;
    room.broadcast("Back to work");
    expect(room.broadcastMessage).toEqual({ text: "Back to work", at: clock.t });
    expect(bob.events.map((e) => (e.type === "broadcast" ? e.text : e.type))).toEqual([
      "Break until 15:00",
      "Back to work",
    ]);
  });

  it("stops sending events after unsubscribe", () => {
    const { room, learner } = setup();
    const a = learner();
    room.join(a, "Ada");
    const tab1 = listen(room, a);
    const tab2 = listen(room, a);
    room.emit(a, { type: "env", labId: "docker-basics", reason: "idle" });
    tab1.unsubscribe();
    room.broadcast("hello");
    room.extend(a, MINUTE);
    expect(tab1.events).toEqual([{ type: "env", labId: "docker-basics", reason: "idle" }]);
    expect(tab2.events.map((e) => e.type)).toEqual(["env", "broadcast", "time"]);

    tab2.unsubscribe();
    room.broadcast("anyone?");
    room.emit(a, { type: "ended" });
    expect(tab2.events).toHaveLength(3);
  });

  it("an unsubscribe called twice leaves a later tab's subscription alone", () => {
    const { room, learner } = setup();
    const a = learner();
    room.join(a, "Ada");
    const old = listen(room, a);
    old.unsubscribe();
    const fresh = listen(room, a);
    old.unsubscribe();
    room.broadcast("still here");
    expect(fresh.events.map((e) => e.type)).toEqual(["broadcast"]);
  });
});
