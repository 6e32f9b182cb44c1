// Where the room gets stuck: per step, how many learners attempted it, how many checks failed,
// how many passed and the median time to pass; and each learner's place in a lab. Pure functions
// over the activity log, so the live dashboard and the report after the session agree.
import type { LoadedLab } from "../../lab/loader.ts";
import type { StepStatsRow } from "../../protocol/workshop.ts";
import type { ActivityRow } from "../storage/store.ts";

export interface LabOutline {
  id: string;
  title: string;
  steps: { id: string; title: string }[];
}

function english(text: string | { zh: string; en: string }): string {
  return typeof text === "string" ? text : text.en;
}

/** A lab's id, title and steps in order (English titles: the instructor's dashboard and reports). */
export function outlineOf(lab: LoadedLab): LabOutline {
  return {
    id: lab.lab.id,
    title: english(lab.lab.title),
    steps: lab.steps.map((s) => ({ id: s.id, title: english(s.title) })),
  };
}

/** medianMsToPass counts from the learner's previous milestone (environment ready, a step passed). */
export type StepStats = StepStatsRow;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * A step's time to pass is measured from the learner's last milestone in that lab before it:
 * the environment becoming ready, or the previous step passing.
 */
export function stepStats(labs: LabOutline[], activity: ActivityRow[]): StepStats[] {
  const attempted = new Map<string, Set<string>>();
  const passed = new Map<string, Set<string>>();
  const failed = new Map<string, number>();
  const durations = new Map<string, number[]>();
  const milestone = new Map<string, number>(); // learner+lab -> time
  for (const row of activity) {
    const lk = `${row.learnerId}\u0000${row.labId}`;
    if (row.kind === "ready") {
      milestone.set(lk, row.at);
      continue;
    }
    const sk = `${row.labId}\u0000${row.stepId}`;
    if (!attempted.has(sk)) attempted.set(sk, new Set());
    attempted.get(sk)?.add(row.learnerId);
    if (!row.passed) {
      failed.set(sk, (failed.get(sk) ?? 0) + 1);
      continue;
    }
    if (!passed.has(sk)) passed.set(sk, new Set());
    const who = passed.get(sk) as Set<string>;
    if (who.has(row.learnerId)) continue; // only the first pass counts
    who.add(row.learnerId);
    const since = milestone.get(lk);
    if (since !== undefined) {
      if (!durations.has(sk)) durations.set(sk, []);
      durations.get(sk)?.push(row.at - since);
    }
    milestone.set(lk, row.at);
  }
  return labs.flatMap((lab) =>
    lab.steps.map((step) => {
      const sk = `${lab.id}\u0000${step.id}`;
      return {
        labId: lab.id,
        stepId: step.id,
        title: step.title,
        attempted: attempted.get(sk)?.size ?? 0,
        failedChecks: failed.get(sk) ?? 0,
        passed: passed.get(sk)?.size ?? 0,
        medianMsToPass: median(durations.get(sk) ?? []),
      };
    }),
  );
}

/** The latest milestone (environment ready, a step passed) of each learner in each lab. */
export function lastMilestones(activity: ActivityRow[]): Map<string, number> {
  const out = new Map<string, number>();
  const passed = new Set<string>();
  for (const row of activity) {
    const lk = `${row.learnerId}\u0000${row.labId}`;
    if (row.kind === "ready") out.set(lk, row.at);
    else if (row.passed) {
      // Re-checking a step already passed is no milestone (as in stepStats).
      const sk = `${lk}\u0000${row.stepId}`;
      if (passed.has(sk)) continue;
      passed.add(sk);
      out.set(lk, row.at);
    }
  }
  return out;
}

function csvField(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function statsCsv(stats: StepStats[]): string {
  const header = [
    "lab",
    "step",
    "title",
    "attempted",
    "failed_checks",
    "passed",
    "median_seconds_to_pass",
  ];
  const rows = stats.map((s) => [
    s.labId,
    s.stepId,
    s.title,
    s.attempted,
    s.failedChecks,
    s.passed,
    s.medianMsToPass === null ? null : Math.round(s.medianMsToPass / 1000),
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
