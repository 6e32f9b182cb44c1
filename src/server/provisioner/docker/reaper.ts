// Removes what earlier runs left behind: environments past their expiry, environments whose
// owning process is gone (a crashed server or verify run), and half-created ones.
import type Docker from "dockerode";
import { allEnvsFilter, LABEL } from "../../docker/labels.ts";
import { ownerAlive } from "../owner.ts";
import type { Provisioner, StrayEnv } from "../types.ts";

export type { StrayEnv } from "../types.ts";

interface Labelled {
  Labels?: Record<string, string> | null;
}

/** Why the environment with these labels should be removed, or undefined to keep it. */
export function strayReason(labels: Record<string, string>, now: number): string | undefined {
  const expiresAt = Number(labels[LABEL.expiresAt]);
  if (!Number.isFinite(expiresAt) || expiresAt === 0) return "has no expiry (half-created)";
  if (expiresAt < now) return `expired ${new Date(expiresAt).toISOString()}`;
  const owner = labels[LABEL.owner] ?? "";
  if (!ownerAlive(owner)) return `its owner (${owner || "none"}) is gone`;
  return undefined;
}

/** Every environment id that has containers, networks or volumes, with one object's labels. */
async function envObjects(docker: Docker): Promise<Map<string, Record<string, string>>> {
  const filters = allEnvsFilter();
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  const all: Labelled[] = [...containers, ...networks, ...(volumes.Volumes ?? [])];
  const byEnv = new Map<string, Record<string, string>>();
  for (const obj of all) {
    const labels = obj.Labels ?? {};
    const id = labels[LABEL.env];
    if (id && !byEnv.has(id)) byEnv.set(id, labels);
  }
  return byEnv;
}

export async function findStrays(docker: Docker, now = Date.now()): Promise<StrayEnv[]> {
  const out: StrayEnv[] = [];
  for (const [envId, labels] of await envObjects(docker)) {
    const reason = strayReason(labels, now);
    if (reason) out.push({ envId, reason });
  }
  return out;
}

/**
 * Removes every stray environment; returns what was removed and why. Best effort: one stray
 * that cannot be removed now is left for the next run, and never stops the caller's own work.
 */
export async function reap(
  docker: Docker,
  provisioner: Pick<Provisioner, "destroy">,
): Promise<StrayEnv[]> {
  const removed: StrayEnv[] = [];
  for (const stray of await findStrays(docker)) {
    try {
      await provisioner.destroy(stray.envId);
      removed.push(stray);
    } catch (err) {
      console.error(
        `archlab: could not remove stray environment ${stray.envId} yet: ${(err as Error).message}`,
      );
    }
  }
  return removed;
}
