// The step report of a workshop from the store alone, so it can be exported after the server
// has stopped (`archlab workshop report`).
import type { LoadedLab } from "../../lab/loader.ts";
import type { Store, WorkshopRow } from "../storage/store.ts";
import { outlineOf, statsCsv, stepStats } from "./stats.ts";

export class ReportError extends Error {}

/** The CSV of a workshop (the newest when `workshopId` is omitted; a prefix of an id works). */
export function workshopReportCsv(
  store: Store,
  labs: LoadedLab[],
  workshopId?: string,
): { workshop: WorkshopRow; csv: string; learners: number } {
  const all = store.workshops();
  if (all.length === 0) throw new ReportError("this database holds no workshop yet");
  const matches = workshopId ? all.filter((w) => w.id.startsWith(workshopId)) : all.slice(0, 1);
  if (matches.length !== 1) {
    const list = all.map(
      (w) => `${w.id.slice(0, 8)} ${w.name} (${new Date(w.createdAt).toISOString()})`,
    );
    throw new ReportError(
      `${matches.length === 0 ? "no" : "more than one"} workshop matches "${workshopId}"; workshops:\n  ${list.join("\n  ")}`,
    );
  }
  const workshop = matches[0] as WorkshopRow;
  // A lab deleted since the workshop ran is left out of the report.
  const outlines = workshop.labs.flatMap((id) => {
    const lab = labs.find((l) => l.lab.id === id);
    return lab ? [outlineOf(lab)] : [];
  });
  const learnerIds = store.seats(workshop.id).map((s) => s.learnerId);
  return {
    workshop,
    csv: statsCsv(stepStats(outlines, store.activity(learnerIds))),
    learners: learnerIds.length,
  };
}
