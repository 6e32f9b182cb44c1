// Shared set-up for integration tests: the real engine, and small environment specs.
import type Docker from "dockerode";
import { dockerEngine, type DockerEngine } from "../../src/server/app.ts";
import { labIds, loadLabById } from "../../src/lab/catalog.ts";
import { allEnvsFilter, envFilter } from "../../src/server/docker/labels.ts";
import { processOwner } from "../../src/server/provisioner/owner.ts";
import type { EnvSpec, HostSpec } from "../../src/server/provisioner/types.ts";

/** The real engine, built as the server and the CLI build it (src/server/app.ts). */
export function engine(): DockerEngine {
  return dockerEngine();
}

export function host(name: string, extra: Partial<HostSpec> = {}): HostSpec {
  return {
    name,
    image: "workstation",
    type: "container",
    env: {},
    networks: ["lab"],
    ports: [],
    memoryBytes: 64 * 1024 ** 2,
    nanoCpus: 250_000_000,
    pids: 64,
    capAdd: [],
    terminal: true,
    ...extra,
  };
}

export function spec(hosts: HostSpec[], extra: Partial<EnvSpec> = {}): EnvSpec {
  return {
    labId: "integration-test",
    learner: "tester",
    owner: processOwner(),
    ttlMs: 30 * 60 * 1000,
    networks: ["lab"],
    hosts,
    ...extra,
  };
}

/** Every container, network and volume labelled with `envId` (or with any env). */
export async function objectsOf(docker: Docker, envId?: string): Promise<string[]> {
  const filters = envId ? envFilter(envId) : allEnvsFilter();
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return [
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...networks.map((n) => `network ${n.Name}`),
    ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`),
  ].sort();
}

/**
 * Shares the machine between concurrent tests: `capacity` slots, each task taking `weight` of
 * them (a Kubernetes cluster, which takes both cores while it comes up, takes them all). Tasks
 * start in the order they asked.
 */
export function machineSlots(capacity: number) {
  let free = capacity;
  const waiting: { weight: number; wake: () => void }[] = [];
  const admit = () => {
    while (waiting.length > 0 && (waiting[0] as { weight: number }).weight <= free) {
      const next = waiting.shift() as { weight: number; wake: () => void };
      free -= next.weight;
      next.wake();
    }
  };
  return async <T>(weight: number, task: () => Promise<T>): Promise<T> => {
    const w = Math.min(weight, capacity);
    await new Promise<void>((wake) => {
      waiting.push({ weight: w, wake });
      admit();
    });
    try {
      return await task();
    } finally {
      free += w;
      admit();
    }
  };
}

/**
 * Lab ids in the order a pool of `machineSlots` finishes soonest: clusters first (the longest, and
 * a cluster queued behind a running lab leaves a slot idle until both are free: 3 min in CI),
 * then the others by their number of verify cases, most first.
 */
export function labsLongestFirst(): string[] {
  const cost = (id: string) => {
    const { lab, steps } = loadLabById(id);
    return (lab.cluster ? 1_000 : 0) + steps.reduce((n, s) => n + 2 + s.wrong.length, 0);
  };
  return labIds().sort((a, b) => cost(b) - cost(a) || a.localeCompare(b));
}
