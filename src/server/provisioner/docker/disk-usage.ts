// What each environment has written to the machine's disk, for the disk guard: its containers'
// writable layers (the engine's SizeRw) and its own volumes (the inner engines' /var/lib/docker),
// measured with `du` on the volume's mount point — the engine's own `docker system df` would also
// walk the shared registry volume of every lab image on each sweep.
import { execFile } from "node:child_process";
import { statfs } from "node:fs/promises";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { allEnvsFilter, LABEL } from "../../docker/labels.ts";
import type { DiskSpace, EnvDiskUsage } from "../types.ts";

const execFileAsync = promisify(execFile);

/** Bytes under `dir` on its own file system; 0 when it cannot be read (a remote engine). */
async function duBytes(dir: string): Promise<number> {
  try {
    const { stdout } = await execFileAsync("du", ["-sxb", dir], { timeout: 60_000 });
    return Number(stdout.split(/\s/)[0]) || 0;
  } catch {
    return 0;
  }
}

/** Bytes written by each environment `owner` keeps (every environment without one). */
export async function envDiskUsage(docker: Docker, owner?: string): Promise<EnvDiskUsage[]> {
  const filters = {
    label: [...allEnvsFilter().label, ...(owner ? [`${LABEL.owner}=${owner}`] : [])],
  };
  const [containers, volumes] = await Promise.all([
    docker.listContainers({ all: true, size: true, filters }),
    docker.listVolumes({ filters }),
  ]);
  const bytes = new Map<string, number>();
  const add = (envId: string | undefined, n: number) => {
    if (envId) bytes.set(envId, (bytes.get(envId) ?? 0) + n);
  };
  // SizeRw is in the engine's answer with `size: true`; dockerode's type leaves it out.
  for (const c of containers as (Docker.ContainerInfo & { SizeRw?: number })[]) {
    add(c.Labels[LABEL.env], c.SizeRw ?? 0);
  }
  await Promise.all(
    (volumes.Volumes ?? []).map(async (v) =>
      add(v.Labels?.[LABEL.env], v.Mountpoint ? await duBytes(v.Mountpoint) : 0),
    ),
  );
  return [...bytes].map(([envId, n]) => ({ envId, bytes: n }));
}

/** Free and total bytes where the engine keeps containers and volumes (when it is this machine). */
export async function engineDiskSpace(docker: Docker): Promise<DiskSpace | undefined> {
  const info = (await docker.info()) as { DockerRootDir?: string };
  if (!info.DockerRootDir) return undefined;
  try {
    const s = await statfs(info.DockerRootDir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}
