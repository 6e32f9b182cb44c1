// Persistent state in one SQLite file (the embedded default): learners (by a hash of their
// token, never the token itself), their check results per lab step, a log of what they did
// (environment ready, each check) and workshops with their seats — all kept after a workshop
// ends, so its report can be exported later.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export interface StepProgress {
  stepId: string;
  passed: boolean;
  attempts: number;
  lastMessage: string;
  updatedAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS learners (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS step_results (
  learner_id TEXT NOT NULL REFERENCES learners(id),
  lab_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  passed INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_message TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (learner_id, lab_id, step_id)
);
CREATE TABLE IF NOT EXISTS activity (
  learner_id TEXT NOT NULL REFERENCES learners(id),
  lab_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ready', 'check')),
  step_id TEXT,
  passed INTEGER,
  message TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_by_learner ON activity (learner_id, at);
CREATE TABLE IF NOT EXISTS workshops (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  labs TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE TABLE IF NOT EXISTS workshop_rooms (
  workshop_id TEXT PRIMARY KEY REFERENCES workshops(id),
  join_code TEXT NOT NULL,
  instructor_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seats (
  workshop_id TEXT NOT NULL REFERENCES workshops(id),
  learner_id TEXT NOT NULL REFERENCES learners(id),
  display_name TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER,
  PRIMARY KEY (workshop_id, learner_id)
);
`;

export interface ActivityRow {
  learnerId: string;
  labId: string;
  kind: "ready" | "check";
  stepId: string | null;
  passed: boolean | null;
  message: string | null;
  at: number;
}

export interface SeatRow {
  workshopId: string;
  learnerId: string;
  displayName: string;
  joinedAt: number;
  expiresAt: number;
  endedAt: number | null;
}

export interface WorkshopRow {
  id: string;
  name: string;
  labs: string[];
  createdAt: number;
  endedAt: number | null;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class Store {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.exec(SCHEMA);
  }

  /** A new anonymous learner and the unguessable token that identifies them. */
  createLearner(): { id: string; token: string } {
    const id = randomUUID();
    const token = randomBytes(32).toString("base64url");
    this.db
      .prepare("INSERT INTO learners (id, token_hash, created_at) VALUES (?, ?, ?)")
      .run(id, hashToken(token), Date.now());
    return { id, token };
  }

  learnerByToken(token: string): string | undefined {
    const row = this.db
      .prepare("SELECT id FROM learners WHERE token_hash = ?")
      .get(hashToken(token)) as { id: string } | undefined;
    return row?.id;
  }

  hasLearner(id: string): boolean {
    return this.db.prepare("SELECT 1 FROM learners WHERE id = ?").get(id) !== undefined;
  }

  /** Records a check: a pass stays a pass (a later failed re-check does not undo it). */
  recordCheck(
    learnerId: string,
    labId: string,
    stepId: string,
    passed: boolean,
    message: string,
  ): void {
    this.db
      .prepare(
        `INSERT INTO step_results (learner_id, lab_id, step_id, passed, attempts, last_message, updated_at)
         VALUES (@learnerId, @labId, @stepId, @passed, 1, @message, @now)
         ON CONFLICT (learner_id, lab_id, step_id) DO UPDATE SET
           passed = MAX(passed, excluded.passed), attempts = attempts + 1,
           last_message = excluded.last_message, updated_at = excluded.updated_at`,
      )
      .run({ learnerId, labId, stepId, passed: passed ? 1 : 0, message, now: Date.now() });
    this.db
      .prepare(
        "INSERT INTO activity (learner_id, lab_id, kind, step_id, passed, message, at) VALUES (?, ?, 'check', ?, ?, ?, ?)",
      )
      .run(learnerId, labId, stepId, passed ? 1 : 0, message, Date.now());
  }

  /** Notes that a learner's environment for a lab became ready (a step's clock starts). */
  recordReady(learnerId: string, labId: string, at = Date.now()): void {
    this.db
      .prepare("INSERT INTO activity (learner_id, lab_id, kind, at) VALUES (?, ?, 'ready', ?)")
      .run(learnerId, labId, at);
  }

  /** Everything these learners did, oldest first. */
  activity(learnerIds: string[]): ActivityRow[] {
    if (learnerIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT learner_id, lab_id, kind, step_id, passed, message, at FROM activity
         WHERE learner_id IN (SELECT value FROM json_each(?)) ORDER BY at, rowid`,
      )
      .all(JSON.stringify(learnerIds)) as {
      learner_id: string;
      lab_id: string;
      kind: "ready" | "check";
      step_id: string | null;
      passed: number | null;
      message: string | null;
      at: number;
    }[];
    return rows.map((r) => ({
      learnerId: r.learner_id,
      labId: r.lab_id,
      kind: r.kind,
      stepId: r.step_id,
      passed: r.passed === null ? null : r.passed === 1,
      message: r.message,
      at: r.at,
    }));
  }

  createWorkshop(name: string, labs: string[]): WorkshopRow {
    const row = { id: randomUUID(), name, labs, createdAt: Date.now(), endedAt: null };
    this.db
      .prepare("INSERT INTO workshops (id, name, labs, created_at) VALUES (?, ?, ?, ?)")
      .run(row.id, name, JSON.stringify(labs), row.createdAt);
    return row;
  }

  endWorkshop(id: string): void {
    this.db
      .prepare("UPDATE workshops SET ended_at = ? WHERE id = ? AND ended_at IS NULL")
      .run(Date.now(), id);
    // An ended workshop is never resumed: its secrets have no use left.
    this.db.prepare("DELETE FROM workshop_rooms WHERE workshop_id = ?").run(id);
  }

  /**
   * Keeps a running workshop's join code and instructor key, so that a server restarted after
   * a crash resumes the same room (they are deleted when the workshop ends).
   */
  saveWorkshopRoom(workshopId: string, code: string, instructorKey: string): void {
    this.db
      .prepare(
        "INSERT OR REPLACE INTO workshop_rooms (workshop_id, join_code, instructor_key) VALUES (?, ?, ?)",
      )
      .run(workshopId, code, instructorKey);
  }

  /** The newest workshop of this name and labs that never ended (its server died), with its room. */
  unendedWorkshop(
    name: string,
    labs: string[],
  ): { workshop: WorkshopRow; code: string; instructorKey: string } | undefined {
    const row = this.db
      .prepare(
        `SELECT w.id, w.created_at, r.join_code, r.instructor_key FROM workshops w
         JOIN workshop_rooms r ON r.workshop_id = w.id
         WHERE w.ended_at IS NULL AND w.name = ? AND w.labs = ?
         ORDER BY w.created_at DESC LIMIT 1`,
      )
      .get(name, JSON.stringify(labs)) as
      { id: string; created_at: number; join_code: string; instructor_key: string } | undefined;
    if (!row) return undefined;
    return {
      workshop: { id: row.id, name, labs, createdAt: row.created_at, endedAt: null },
      code: row.join_code,
      instructorKey: row.instructor_key,
    };
  }

  /** Workshops, newest first. */
  workshops(): WorkshopRow[] {
    const rows = this.db
      .prepare(
        "SELECT id, name, labs, created_at, ended_at FROM workshops ORDER BY created_at DESC",
      )
      .all() as {
      id: string;
      name: string;
      labs: string;
      created_at: number;
      ended_at: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      labs: JSON.parse(r.labs) as string[],
      createdAt: r.created_at,
      endedAt: r.ended_at,
    }));
  }

  saveSeat(seat: SeatRow): void {
    this.db
      .prepare(
        `INSERT INTO seats (workshop_id, learner_id, display_name, joined_at, expires_at, ended_at)
         VALUES (@workshopId, @learnerId, @displayName, @joinedAt, @expiresAt, @endedAt)
         ON CONFLICT (workshop_id, learner_id) DO UPDATE SET
           display_name = excluded.display_name, expires_at = excluded.expires_at,
           ended_at = excluded.ended_at`,
      )
      .run(seat);
  }

  seats(workshopId: string): SeatRow[] {
    const rows = this.db
      .prepare(
        "SELECT learner_id, display_name, joined_at, expires_at, ended_at FROM seats WHERE workshop_id = ? ORDER BY joined_at",
      )
      .all(workshopId) as {
      learner_id: string;
      display_name: string;
      joined_at: number;
      expires_at: number;
      ended_at: number | null;
    }[];
    return rows.map((r) => ({
      workshopId,
      learnerId: r.learner_id,
      displayName: r.display_name,
      joinedAt: r.joined_at,
      expiresAt: r.expires_at,
      endedAt: r.ended_at,
    }));
  }

  progress(learnerId: string, labId: string): StepProgress[] {
    const rows = this.db
      .prepare(
        "SELECT step_id, passed, attempts, last_message, updated_at FROM step_results WHERE learner_id = ? AND lab_id = ?",
      )
      .all(learnerId, labId) as {
      step_id: string;
      passed: number;
      attempts: number;
      last_message: string;
      updated_at: number;
    }[];
    return rows.map((r) => ({
      stepId: r.step_id,
      passed: r.passed === 1,
      attempts: r.attempts,
      lastMessage: r.last_message,
      updatedAt: r.updated_at,
    }));
  }

  /** Forgets a learner's progress in a lab (used by "reset environment"). */
  resetProgress(learnerId: string, labId: string): void {
    this.db
      .prepare("DELETE FROM step_results WHERE learner_id = ? AND lab_id = ?")
      .run(learnerId, labId);
  }

  close(): void {
    this.db.close();
  }
}
