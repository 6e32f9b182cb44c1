// Persistent state in one SQLite file (the embedded default): learners (by a hash of their
// token, never the token itself) and their check results per lab step.
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
`;

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
