// Turns a validated lab into the environment spec the provisioner runs.
import { CONTROL_PLANE_HOST, nodeNames } from "../../lab/cluster.ts";
import type { Cluster, Lab } from "../../lab/schema.ts";
import type { ClusterSpec, EnvSpec, HostSpec, Readiness } from "./types.ts";

const UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "256m" -> bytes. The schema has already checked the format. */
export function parseSize(size: string): number {
  const unit = size.slice(-1).toLowerCase();
  return Number(size.slice(0, -1)) * (UNITS[unit] ?? 1);
}

/** Port the inner dockerd of a dind host listens on, inside the environment's network only. */
export const DIND_TCP_PORT = 2375;

function readiness(host: Lab["hosts"][string]): Readiness | undefined {
  const r = host.ready;
  const timeoutMs = (r?.timeoutSeconds ?? 60) * 1000;
  if (r && "tcp" in r) return { tcp: r.tcp, timeoutMs };
  if (r && "log" in r) return { log: r.log, timeoutMs };
  if (r && "command" in r) return { command: r.command, timeoutMs };
  // A Docker-in-Docker host is ready when its engine answers.
  if (host.type === "dind") return { command: "docker info >/dev/null 2>&1", timeoutMs: 90_000 };
  return undefined;
}

function clusterSpec(cluster: Cluster): ClusterSpec {
  return {
    controlPlane: CONTROL_PLANE_HOST,
    nodes: nodeNames(cluster),
    kubeconfigs: Object.entries(cluster.kubectl).map(([host, as]) => ({ host, as })),
    readyTimeoutMs: (cluster.readyTimeoutSeconds ?? 600) * 1000,
  };
}

export function envSpecFromLab(
  lab: Lab,
  options: { learner: string; owner: string; ttlMs: number },
): EnvSpec {
  const hosts: HostSpec[] = Object.entries(lab.hosts).map(([name, h]) => ({
    name,
    image: h.image,
    type: h.type,
    ...(h.command ? { command: h.command } : {}),
    env: h.type === "dind" ? { DOCKER_TCP_PORT: String(DIND_TCP_PORT), ...h.env } : h.env,
    networks: h.networks ?? [lab.networks[0] as string],
    ports: h.ports.map((p) => p.container),
    memoryBytes: parseSize(h.memory),
    nanoCpus: Math.round(h.cpus * 1e9),
    pids: h.pids,
    capAdd: h.capAdd,
    ...(readiness(h) ? { ready: readiness(h) } : {}),
    terminal: h.terminal,
    ...(h.user ? { user: h.user } : {}),
  }));
  return {
    labId: lab.id,
    networks: lab.networks,
    hosts,
    ...(lab.cluster ? { cluster: clusterSpec(lab.cluster) } : {}),
    ...options,
  };
}
