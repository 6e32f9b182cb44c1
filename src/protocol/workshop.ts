// The workshop API's wire formats, shared by the server and the browser pages (join page,
// learner bar, instructor dashboard).

export type CellState = "done" | "failing" | "attempting" | "todo";

export interface DashboardCell {
  state: CellState;
  attempts: number;
  /** The last check's message (why it failed, for a failing step). */
  message?: string;
}

export interface DashboardLab {
  env: "none" | "starting" | "ready" | "failed";
  envId?: string;
  /** Hosts with a terminal (the instructor can watch each). */
  tabs: string[];
  currentStep?: string;
  /** When the learner started on the current step (their last milestone in this lab). */
  stepSince?: number;
  cells: Record<string, DashboardCell>;
}

export interface DashboardLearner {
  id: string;
  name: string;
  joinedAt: number;
  expiresAt: number;
  lastActiveAt: number;
  ended: boolean;
  /** Idle past the workshop's limit (their environments were removed). */
  idle: boolean;
  labs: Record<string, DashboardLab>;
}

export interface StepStatsRow {
  labId: string;
  stepId: string;
  title: string;
  attempted: number;
  failedChecks: number;
  passed: number;
  medianMsToPass: number | null;
}

export interface DashboardSnapshot {
  serverNow: number;
  workshop: {
    name: string;
    code: string;
    joinUrl: string;
    seats: number;
    taken: number;
    idleMs: number;
    labs: { id: string; title: string; steps: { id: string; title: string }[] }[];
    pool: Record<string, number>;
    broadcast?: { text: string; at: number };
  };
  learners: DashboardLearner[];
  stats: StepStatsRow[];
}

/** GET /api/workshop: what the join page shows before anyone joins. */
export interface WorkshopInfo {
  name: string;
  seats: number;
  taken: number;
  full: boolean;
}

/** GET /api/workshop/me: the learner's seat. */
export interface SeatInfo {
  name: string;
  expiresAt: number;
  serverNow: number;
  ended: boolean;
  broadcast?: { text: string; at: number };
  /** Lesson pages of the workshop's labs, per language. */
  lessons: { labId: string; pages: Record<string, string> }[];
}

/** Server-sent events on GET /api/workshop/me/events. */
export type LearnerEventBody =
  | { type: "broadcast"; text: string; at: number }
  | { type: "env"; labId: string; reason: "reset" | "idle" }
  | { type: "time"; expiresAt: number }
  | { type: "ended" };
