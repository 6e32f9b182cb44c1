// After a restart, a lab server takes back the environments it had started (its owner label is
// stable, see provisioner/server-identity.ts): each running one goes back to its learner as
// "ready", or to the warm pool; what cannot be given back (expired, stopped, half-created, a
// lab that changed or is gone, an unknown learner, a second one for the same lab) is removed.
// Everything is read from the engine's labels and the store: no other state survives a crash.
import type { LoadedLab } from "../../lab/loader.ts";
import type { Env, Provisioner } from "../provisioner/types.ts";
import type { LabSessions } from "./lab-sessions.ts";

/** The learner label of environments the warm pool started (warm-pool.ts). */
export const POOL_LEARNER = "pool";

export interface AdoptionDeps {
  provisioner: Provisioner;
  /** This server's owner label. */
  owner: string;
  labs: Map<string, LoadedLab>;
  sessions: LabSessions;
  pool?: { adopt(env: Env): boolean };
  /** Whether the store knows this learner (a learner id from a label is only a claim). */
  knownLearner(learnerId: string): boolean;
  now?: number;
}

export interface AdoptionResult {
  adopted: { envId: string; learner: string; labId: string }[];
  removed: { envId: string; reason: string }[];
}

/** Why an environment cannot be handed back as it is, or undefined when it can. */
export function unadoptableReason(
  env: Env,
  lab: LoadedLab | undefined,
  now: number,
): string | undefined {
  if (!Number.isFinite(env.expiresAt) || env.expiresAt <= now) return "expired";
  if (!lab) return `its lab "${env.labId}" is not served any more`;
  const want = Object.keys(lab.lab.hosts).sort();
  const have = env.hosts.map((h) => h.name).sort();
  if (want.join(",") !== have.join(","))
    return `its hosts (${have.join(", ") || "none"}) are not the lab's (${want.join(", ")})`;
  const stopped = env.hosts.filter((h) => h.state !== "running").map((h) => h.name);
  if (stopped.length) return `not running: ${stopped.join(", ")}`;
  return undefined;
}

/** Adopts or removes every environment owned by `deps.owner`; newest first per learner/lab. */
export async function adoptEnvironments(deps: AdoptionDeps): Promise<AdoptionResult> {
  const now = deps.now ?? Date.now();
  const result: AdoptionResult = { adopted: [], removed: [] };
  const mine = (await deps.provisioner.list())
    .filter((e) => e.owner === deps.owner)
    .sort((a, b) => b.createdAt - a.createdAt);
  for (const env of mine) {
    const lab = deps.labs.get(env.labId);
    let reason = unadoptableReason(env, lab, now);
    if (!reason && lab) {
      if (env.learner === POOL_LEARNER) {
        if (!deps.pool?.adopt(env)) reason = "the warm pool does not need it";
      } else if (!deps.knownLearner(env.learner)) {
        reason = `its learner ${env.learner} is unknown to this database`;
      } else if (!deps.sessions.adopt(env.learner, lab, env)) {
        reason = "its learner has a newer environment of that lab";
      }
    }
    if (reason) {
      await deps.provisioner.destroy(env.id).catch(() => undefined);
      result.removed.push({ envId: env.id, reason });
    } else {
      result.adopted.push({ envId: env.id, learner: env.learner, labId: env.labId });
    }
  }
  return result;
}
