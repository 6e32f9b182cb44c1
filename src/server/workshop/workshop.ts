// A running workshop: the room (seats, join code, instructor key), which labs learners may
// start, the expiry sweep, the instructor's actions (reset, extend, take control, broadcast) and
// the live dashboard. Depends on the sessions, shells and store it is given.
import type { LoadedLab } from "../../lab/loader.ts";
import type { Controller } from "../../protocol/terminal.ts";
import type {
  DashboardLab,
  DashboardLearner,
  DashboardSnapshot,
  SeatInfo,
  WorkshopInfo,
} from "../../protocol/workshop.ts";
import type { LabService } from "../sessions/lab-service.ts";
import type { LabSessions } from "../sessions/lab-sessions.ts";
import type { WarmPool } from "../sessions/warm-pool.ts";
import type { Store } from "../storage/store.ts";
import type { ShellRegistry } from "../terminal/gateway.ts";
import type { WorkshopConfig } from "./config.ts";
import { Room, type Seat } from "./room.ts";
import { lastMilestones, outlineOf, statsCsv, stepStats, type LabOutline } from "./stats.ts";

export type WorkshopErrorCode =
  "not-joined" | "ended" | "not-in-workshop" | "unknown-learner" | "no-environment" | "no-shell";

export class WorkshopError extends Error {
  constructor(
    readonly code: WorkshopErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface WorkshopDeps {
  config: WorkshopConfig;
  store: Store;
  sessions: LabSessions;
  /** The learners' labs; the dashboard follows its changes. */
  service: LabService;
  shells: ShellRegistry;
  /** The workshop's labs, in the order of the config. */
  labs: LoadedLab[];
  pool: WarmPool;
  lessonPages: Map<string, Record<string, string>>;
  now?: () => number;
}

/** How often seats are checked for expiry and idleness, and the dashboard refreshed. */
const SWEEP_MS = 5_000;
/** Changes within this window reach the dashboard as one update. */
const PUSH_DELAY_MS = 50;

export class Workshop {
  readonly id: string;
  /** Whether this is a workshop whose server died, resumed (same room, seats and code). */
  readonly resumed: boolean;
  readonly room: Room;
  /** Base URL the room reaches this server at (set once it listens). */
  publicUrl = "";
  private readonly listeners = new Set<(s: DashboardSnapshot) => void>();
  private pushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly outlines: LabOutline[];
  private readonly now: () => number;
  private readonly unfollow: () => void;

  constructor(private readonly deps: WorkshopDeps) {
    this.now = deps.now ?? Date.now;
    const previous = deps.store.unendedWorkshop(deps.config.name, deps.config.labs);
    this.resumed = previous !== undefined;
    this.id =
      previous?.workshop.id ?? deps.store.createWorkshop(deps.config.name, deps.config.labs).id;
    const now = this.now();
    this.room = new Room(deps.store, {
      workshopId: this.id,
      seats: deps.config.seats,
      sessionMs: deps.config.sessionMs,
      idleMs: deps.config.idleMs,
      now: this.now,
      ...(previous
        ? {
            resume: {
              code: previous.code,
              instructorKey: previous.instructorKey,
              // Idle time counts from the restart: nobody's activity was seen while it was down.
              seats: deps.store.seats(this.id).map((s) => ({
                learnerId: s.learnerId,
                name: s.displayName,
                joinedAt: s.joinedAt,
                expiresAt: s.expiresAt,
                lastActiveAt: now,
                ...(s.endedAt !== null ? { endedAt: s.endedAt } : {}),
              })),
            },
          }
        : {}),
    });
    if (!previous) deps.store.saveWorkshopRoom(this.id, this.room.code, this.room.instructorKey);
    this.outlines = deps.labs.map(outlineOf);
    // Any learner's lab changing (ready, failed, removed, checked, reset) updates the dashboard.
    this.unfollow = deps.service.subscribe(() => this.changed());
  }

  /** Starts the expiry sweep and fills the warm pool. */
  start(sweepEveryMs = SWEEP_MS): void {
    this.sweepTimer = setInterval(() => void this.sweep(), sweepEveryMs);
    this.sweepTimer.unref();
    void this.deps.pool.refill().then(() => this.changed());
  }

  get joinUrl(): string {
    return `${this.publicUrl}/join/?code=${this.room.code}`;
  }

  get instructorUrl(): string {
    return `${this.publicUrl}/workshop/instructor?key=${this.room.instructorKey}`;
  }

  labIds(): string[] {
    return this.deps.labs.map((l) => l.lab.id);
  }

  info(): WorkshopInfo {
    const { seats } = this.deps.config;
    return {
      name: this.deps.config.name,
      seats,
      taken: this.room.taken,
      full: this.room.taken >= seats,
    };
  }

  join(learnerId: string, name: unknown): Seat {
    const seat = this.room.join(learnerId, name);
    this.changed();
    return seat;
  }

  /** The first lesson a learner should open (in their language when it exists). */
  firstLesson(lang: string): string {
    const pages = this.deps.lessonPages.get(this.labIds()[0] as string) ?? {};
    return pages[lang] ?? pages.zh ?? Object.values(pages)[0] ?? "/";
  }

  seatInfo(learnerId: string): SeatInfo {
    const seat = this.room.seat(learnerId);
    if (!seat) throw new WorkshopError("not-joined", "join the workshop first (open /join/)");
    const broadcast = this.room.broadcastMessage;
    return {
      name: seat.name,
      expiresAt: seat.expiresAt,
      serverNow: this.now(),
      ended: seat.endedAt !== undefined,
      ...(broadcast ? { broadcast } : {}),
      lessons: this.labIds().map((labId) => ({
        labId,
        pages: this.deps.lessonPages.get(labId) ?? {},
      })),
    };
  }

  /**
   * Refuses a learner without an active seat, or a lab this workshop does not run. `acting`
   * (starting, checking, resetting) counts as activity; a page merely reading status does not.
   */
  assertMayUse(learnerId: string, labId: string, acting = true): void {
    const seat = this.room.seat(learnerId);
    if (!seat)
      throw new WorkshopError(
        "not-joined",
        "this server runs a workshop: join it at /join/ with the code your instructor gives you",
      );
    if (seat.endedAt !== undefined)
      throw new WorkshopError(
        "ended",
        "your workshop session has ended; your progress is kept. Ask the instructor for more time.",
      );
    if (!this.labIds().includes(labId))
      throw new WorkshopError(
        "not-in-workshop",
        `lab ${labId} is not part of this workshop; its labs: ${this.labIds().join(", ")}`,
      );
    if (acting && this.room.touch(learnerId)) this.changed();
  }

  /** Notes a learner's activity (terminal input). */
  touch(learnerId: string): void {
    if (this.room.touch(learnerId)) this.changed();
  }

  /** Ends seats whose time is up and removes idle learners' environments. */
  async sweep(): Promise<void> {
    const { ended, idle } = this.room.sweep();
    for (const seat of idle) {
      for (const labId of this.deps.sessions.statesOf(seat.learnerId).keys())
        this.room.emit(seat.learnerId, { type: "env", labId, reason: "idle" });
    }
    await Promise.all(
      [...ended, ...idle].map((s) => this.deps.sessions.destroyLearner(s.learnerId)),
    );
    this.changed();
  }

  private seatOrThrow(learnerId: string): Seat {
    const seat = this.room.seat(learnerId);
    if (!seat)
      throw new WorkshopError("unknown-learner", `no learner ${learnerId} in this workshop`);
    return seat;
  }

  private labOrThrow(labId: string): LoadedLab {
    const lab = this.deps.labs.find((l) => l.lab.id === labId);
    if (!lab)
      throw new WorkshopError(
        "not-in-workshop",
        `lab ${labId} is not part of this workshop; its labs: ${this.labIds().join(", ")}`,
      );
    return lab;
  }

  /** A fresh environment for a learner (their progress in that lab starts over). */
  async resetLearner(learnerId: string, labId: string): Promise<void> {
    const seat = this.seatOrThrow(learnerId);
    const lab = this.labOrThrow(labId);
    if (seat.endedAt !== undefined)
      throw new WorkshopError("ended", `${seat.name}'s session has ended: extend it first`);
    await this.deps.service.reset(learnerId, lab);
    this.room.emit(learnerId, { type: "env", labId, reason: "reset" });
  }

  extend(learnerId: string, ms: number): Seat {
    this.seatOrThrow(learnerId);
    const seat = this.room.extend(learnerId, ms);
    this.changed();
    return seat;
  }

  /** Takes the keyboard of a learner's shell (take) or gives it back. */
  async control(learnerId: string, labId: string, host: string, take: boolean): Promise<void> {
    this.seatOrThrow(learnerId);
    this.labOrThrow(labId);
    const envId = this.deps.sessions.statesOf(learnerId).get(labId)?.envId;
    if (!envId)
      throw new WorkshopError(
        "no-environment",
        "this learner has no running environment in that lab",
      );
    const controller: Controller = take ? "instructor" : "learner";
    if (!(await this.deps.shells.setController(envId, host, controller)))
      throw new WorkshopError("no-shell", `open ${host}'s terminal before taking control`);
  }

  broadcast(text: string): { text: string; at: number } {
    const message = this.room.broadcast(text);
    this.changed();
    return message;
  }

  statsCsv(): string {
    const ids = this.room.all().map((s) => s.learnerId);
    return statsCsv(stepStats(this.outlines, this.deps.store.activity(ids)));
  }

  snapshot(): DashboardSnapshot {
    const now = this.now();
    const seats = this.room.all();
    const activity = this.deps.store.activity(seats.map((s) => s.learnerId));
    const milestones = lastMilestones(activity);
    const learners: DashboardLearner[] = seats.map((seat) => {
      const envs = this.deps.sessions.statesOf(seat.learnerId);
      const labs: Record<string, DashboardLab> = {};
      for (const lab of this.deps.labs) {
        const env = envs.get(lab.lab.id);
        const progress = new Map(
          this.deps.store.progress(seat.learnerId, lab.lab.id).map((p) => [p.stepId, p]),
        );
        const cells: DashboardLab["cells"] = {};
        let currentStep: string | undefined;
        for (const step of lab.steps) {
          const p = progress.get(step.id);
          if (p?.passed) cells[step.id] = { state: "done", attempts: p.attempts };
          else if (p && p.attempts > 0)
            cells[step.id] = { state: "failing", attempts: p.attempts, message: p.lastMessage };
          else cells[step.id] = { state: "todo", attempts: 0 };
          if (!p?.passed && currentStep === undefined) currentStep = step.id;
        }
        const working = env !== undefined || progress.size > 0;
        const current = currentStep ? cells[currentStep] : undefined;
        if (working && current?.state === "todo") current.state = "attempting";
        const since = milestones.get(`${seat.learnerId}\u0000${lab.lab.id}`);
        labs[lab.lab.id] = {
          env: env?.state ?? "none",
          ...(env?.envId ? { envId: env.envId } : {}),
          tabs: env?.tabs ?? [],
          ...(working && currentStep ? { currentStep } : {}),
          ...(working && since !== undefined ? { stepSince: since } : {}),
          cells,
        };
      }
      return {
        id: seat.learnerId,
        name: seat.name,
        joinedAt: seat.joinedAt,
        expiresAt: seat.expiresAt,
        lastActiveAt: seat.lastActiveAt,
        ended: seat.endedAt !== undefined,
        idle: seat.idleSince !== undefined,
        labs,
      };
    });
    const broadcast = this.room.broadcastMessage;
    return {
      serverNow: now,
      workshop: {
        name: this.deps.config.name,
        code: this.room.code,
        joinUrl: this.joinUrl,
        seats: this.deps.config.seats,
        taken: this.room.taken,
        idleMs: this.deps.config.idleMs,
        labs: this.outlines,
        pool: this.deps.pool.counts(),
        ...(broadcast ? { broadcast } : {}),
      },
      learners,
      stats: stepStats(this.outlines, activity),
    };
  }

  /** Something the dashboard shows changed: push one snapshot soon. */
  changed(): void {
    if (this.pushTimer || this.listeners.size === 0) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      const snapshot = this.snapshot();
      for (const fn of this.listeners) fn(snapshot);
    }, PUSH_DELAY_MS);
  }

  subscribeDashboard(fn: (s: DashboardSnapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async close(): Promise<void> {
    this.unfollow();
    clearInterval(this.sweepTimer);
    clearTimeout(this.pushTimer);
    this.listeners.clear();
    this.deps.store.endWorkshop(this.id);
    await this.deps.pool.drain();
  }
}
