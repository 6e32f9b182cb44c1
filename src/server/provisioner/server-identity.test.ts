import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ownerAlive } from "./owner.ts";
import {
  bootId,
  claimServerIdentity,
  isServerOwner,
  serverOwnerAlive,
  type ServerIdentity,
} from "./server-identity.ts";

const temp = () => mkdtempSync(path.join(tmpdir(), "archlab-identity-"));
const claimed: ServerIdentity[] = [];
afterEach(() => {
  for (const c of claimed.splice(0)) c.release();
});

function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}

describe("claimServerIdentity", () => {
  it("keeps one id beside the database across restarts", () => {
    const dir = temp();
    const db = path.join(dir, "data", "a.db");
    const first = claimServerIdentity(db, dir);
    expect(first.owner).toBe(`server:${first.id}`);
    expect(isServerOwner(first.owner)).toBe(true);
    expect(readFileSync(`${db}.server-id`, "utf8").trim()).toBe(first.id);
    expect(serverOwnerAlive(first.owner, { dir })).toBe(true);
    first.release();
    const again = claimServerIdentity(db, dir);
    claimed.push(again);
    expect(again.id).toBe(first.id);
    // Another database is another server.
    const other = claimServerIdentity(path.join(dir, "b.db"), dir);
    claimed.push(other);
    expect(other.id).not.toBe(first.id);
  });

  it("refuses a database another running server holds", () => {
    const dir = temp();
    const db = path.join(dir, "a.db");
    const held = claimServerIdentity(db, dir);
    claimed.push(held);
    expect(() => claimServerIdentity(db, dir)).toThrow(
      `another archlab server (pid ${process.pid}) is running on the database ${db}`,
    );
  });

  it("takes over from a server that was killed", () => {
    const dir = temp();
    const db = path.join(dir, "a.db");
    const id = claimServerIdentity(db, dir);
    id.release();
    const dead = spawnSync("true").pid as number;
    writeFileSync(
      path.join(dir, id.id),
      JSON.stringify({ pid: dead, boot: bootId(), start: "1", db }),
    );
    const next = claimServerIdentity(db, dir);
    claimed.push(next);
    expect(next.id).toBe(id.id);
  });

  it("says what is wrong with a damaged id file", () => {
    const dir = temp();
    const db = path.join(dir, "a.db");
    writeFileSync(`${db}.server-id`, "not an id\n");
    expect(() => claimServerIdentity(db, dir)).toThrow(
      `${db}.server-id does not hold a server id (12 lowercase letters or digits): remove it and start again`,
    );
  });

  it("forgets servers that stopped longer than the grace period ago", () => {
    const dir = temp();
    const dead = spawnSync("true").pid as number;
    const reg = JSON.stringify({ pid: dead, boot: bootId(), start: "1", db: "/x.db" });
    writeFileSync(path.join(dir, "aaaaaaaaaaaa"), reg);
    writeFileSync(path.join(dir, "bbbbbbbbbbbb"), reg);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(path.join(dir, "aaaaaaaaaaaa"), old, old);
    claimed.push(claimServerIdentity(":memory:", dir));
    expect(existsSync(path.join(dir, "aaaaaaaaaaaa"))).toBe(false);
    expect(existsSync(path.join(dir, "bbbbbbbbbbbb"))).toBe(true); // may still be restarting
  });

  it("gives an in-memory database a fresh id each time", () => {
    const dir = temp();
    const a = claimServerIdentity(":memory:", dir);
    const b = claimServerIdentity(":memory:", dir);
    claimed.push(a, b);
    expect(a.id).not.toBe(b.id);
  });
});

describe("serverOwnerAlive", () => {
  it("keeps a running server's environments, also one of another pid", async () => {
    const dir = temp();
    const child = spawn("sleep", ["30"]);
    await new Promise((r) => child.once("spawn", r));
    const pid = child.pid as number;
    writeFileSync(
      path.join(dir, "aaaaaaaaaaaa"),
      JSON.stringify({ pid, boot: bootId(), start: startOf(pid), db: "/x.db" }),
    );
    const old = new Date(Date.now() - 3600_000);
    utimesSync(path.join(dir, "aaaaaaaaaaaa"), old, old);
    expect(serverOwnerAlive("server:aaaaaaaaaaaa", { dir })).toBe(true);
    // The same pid started at another time is another process (a reused pid).
    writeFileSync(
      path.join(dir, "bbbbbbbbbbbb"),
      JSON.stringify({ pid, boot: bootId(), start: "1", db: "/x.db" }),
    );
    utimesSync(path.join(dir, "bbbbbbbbbbbb"), old, old);
    expect(serverOwnerAlive("server:bbbbbbbbbbbb", { dir })).toBe(false);
    child.kill();
  });

  it("keeps a killed server's environments for the grace period only", () => {
    const dir = temp();
    const dead = spawnSync("true").pid as number;
    const file = path.join(dir, "cccccccccccc");
    writeFileSync(file, JSON.stringify({ pid: dead, boot: bootId(), start: "1", db: "/x.db" }));
    const now = Date.now();
    expect(serverOwnerAlive("server:cccccccccccc", { dir, graceMs: 60_000, now })).toBe(true);
    expect(
      serverOwnerAlive("server:cccccccccccc", { dir, graceMs: 60_000, now: now + 61_000 }),
    ).toBe(false);
  });

  it("declares gone a server that never registered, one of another boot, and non-server owners", () => {
    const dir = temp();
    expect(serverOwnerAlive("server:dddddddddddd", { dir })).toBe(false);
    writeFileSync(
      path.join(dir, "eeeeeeeeeeee"),
      JSON.stringify({ pid: process.pid, boot: "otherboo", start: startOf(process.pid), db: "/x" }),
    );
    expect(serverOwnerAlive("server:eeeeeeeeeeee", { dir })).toBe(false);
    expect(serverOwnerAlive("cli", { dir })).toBe(false);
    expect(serverOwnerAlive("server:../../etc", { dir })).toBe(false);
  });

  it("is what ownerAlive asks for server owners (the reaper's rule)", () => {
    expect(ownerAlive("server:ffffffffffff")).toBe(false);
    const mine = claimServerIdentity(":memory:");
    claimed.push(mine);
    expect(ownerAlive(mine.owner)).toBe(true);
  });
});
