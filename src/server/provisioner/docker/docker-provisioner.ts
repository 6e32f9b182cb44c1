// The Docker implementation of the provisioner: one bridge network per lab network, one
// container per host, everything labelled so it can be found, listed and removed again.
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { allEnvsFilter, envFilter, LABEL } from "../../docker/labels.ts";
import type { ImageBuilder } from "../../docker/images/builder.ts";
import { REGISTRY_VOLUME, registryPublished } from "../../docker/images/publish.ts";
import { bootstrapCluster, type HostExec } from "../cluster-bootstrap.ts";
import {
  hasInnerEngine,
  ProvisionError,
  UnknownEnvError,
  UnknownHostError,
  type Command,
  type Env,
  type EnvSpec,
  type ExecOptions,
  type ExecResult,
  type HostSpec,
  type ProgressEvent,
  type Provisioner,
  type Shell,
  type ShellSize,
  type StrayEnv,
  type DiskSpace,
  type EnvDiskUsage,
} from "../types.ts";
import {
  containerConfig,
  envLabels,
  mirrorHost,
  MIRROR_HOST,
  names,
  TUN_DEVICE,
} from "./container-config.ts";
import { engineDiskSpace, envDiskUsage } from "./disk-usage.ts";
import { engineDidNotAnswer, engineError, viaEngine } from "./engine-errors.ts";
import { demuxBuffer, execInContainer, openShellInContainer } from "./exec.ts";
import { lastLogLines, waitUntilReady } from "./readiness.ts";
import { reap } from "./reaper.ts";
import { createEnvNetwork } from "./subnets.ts";
import { ENV_ID_RE } from "../../../protocol/ids.ts";

/** Unguessable and DNS-friendly: "e" + 10 base-36 characters (~51 bits). */
export function newEnvId(): string {
  const bytes = randomBytes(10);
  return "e" + [...bytes].map((b) => (b % 36).toString(36)).join("");
}

export function isEnvId(id: string): boolean {
  return ENV_ID_RE.test(id);
}

type ContainerSummary = Docker.ContainerInfo;

function envFromContainers(envId: string, containers: ContainerSummary[]): Env {
  const first = containers[0] as ContainerSummary;
  const label = (k: string) => first.Labels[k] ?? "";
  return {
    id: envId,
    labId: label(LABEL.lab),
    learner: label(LABEL.learner),
    owner: label(LABEL.owner),
    createdAt: Number(label(LABEL.createdAt)),
    expiresAt: Number(label(LABEL.expiresAt)),
    hosts: containers
      .filter((c) => c.Labels[LABEL.host] !== MIRROR_HOST)
      .map((c) => ({
        name: c.Labels[LABEL.host] ?? "",
        state: c.State,
        terminal: c.Labels[LABEL.terminal] !== "false",
        ...(c.Labels[LABEL.user] ? { user: c.Labels[LABEL.user] } : {}),
        ports: (c.Ports ?? [])
          .filter((p) => p.PublicPort)
          .map((p) => ({ container: p.PrivatePort, hostPort: p.PublicPort })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/**
 * Every call goes to the engine through `viaEngine`: when dockerd does not answer (stopped or
 * restarting) it throws EngineUnavailableError, and what could not be removed then is removed by
 * the next `reap()` once the engine answers again.
 */
export class DockerProvisioner implements Provisioner {
  /** Environments to remove that the engine did not answer for (removed by the next reap). */
  private readonly leftovers = new Set<string>();

  constructor(
    private readonly docker: Docker,
    private readonly images: ImageBuilder,
  ) {}

  ping(): Promise<void> {
    return viaEngine(async () => void (await this.docker.ping()));
  }

  create(spec: EnvSpec, onProgress: (e: ProgressEvent) => void = () => {}): Promise<Env> {
    return viaEngine(() => this.createEnv(spec, onProgress));
  }

  private async createEnv(spec: EnvSpec, onProgress: (e: ProgressEvent) => void): Promise<Env> {
    const envId = newEnvId();
    const labels = envLabels(envId, spec, Date.now());
    const hosts: HostSpec[] = [...spec.hosts];
    if (hosts.some(hasInnerEngine)) {
      if (!(await registryPublished(this.docker))) {
        throw new ProvisionError(
          MIRROR_HOST,
          "lab images were never published: run `archlab images build`",
          [],
          "image-missing",
        );
      }
      hosts.unshift(mirrorHost(spec.networks, REGISTRY_VOLUME));
    }
    // Resolve every image before creating anything: a missing one fails with nothing to undo.
    const refs = new Map<string, string>();
    for (const host of hosts) refs.set(host.name, await this.images.resolve(host.image));

    let current = "(networks)";
    try {
      for (const net of spec.networks) {
        await createEnvNetwork(this.docker, { name: names.network(envId, net), labels });
      }
      const containers = new Map<string, Docker.Container>();
      for (const host of hosts) {
        current = host.name;
        onProgress({ host: host.name, phase: "creating" });
        if (hasInnerEngine(host)) {
          await this.docker.createVolume({
            Name: names.dockerVolume(envId, host.name),
            Labels: labels,
          });
        }
        const config = containerConfig(envId, spec, host, refs.get(host.name) as string, {
          ...labels,
          [LABEL.terminal]: String(host.terminal),
        });
        const container = await this.docker.createContainer(config);
        for (const net of host.networks.slice(1)) {
          await this.docker
            .getNetwork(names.network(envId, net))
            .connect({ Container: container.id, EndpointConfig: { Aliases: [host.name] } });
        }
        containers.set(host.name, container);
      }
      for (const host of hosts) {
        current = host.name;
        onProgress({ host: host.name, phase: "starting" });
        const container = containers.get(host.name) as Docker.Container;
        await container.start();
        if (host.type === "dind") await openTunToLearner(container);
      }
      await Promise.all(
        hosts.map(async (host) => {
          onProgress({ host: host.name, phase: "waiting" });
          try {
            await waitUntilReady(this.docker, containers.get(host.name) as Docker.Container, host);
          } catch (err) {
            onProgress({ host: host.name, phase: "failed", detail: (err as Error).message });
            throw err;
          }
          onProgress({ host: host.name, phase: "ready" });
        }),
      );
      if (spec.cluster) {
        current = spec.cluster.controlPlane;
        const exec: HostExec = (host, script, timeoutMs = 30_000) =>
          execInContainer(
            this.docker,
            containers.get(host) as Docker.Container,
            { script },
            { timeoutMs },
          );
        await bootstrapCluster(exec, spec.cluster, onProgress);
      }
    } catch (err) {
      await this.destroy(envId).catch(() => undefined);
      if (err instanceof ProvisionError) throw err;
      // The engine went away mid-start: not the environment's fault (removed once it answers).
      if (engineDidNotAnswer(err)) throw engineError(err);
      const container = this.docker.getContainer(names.container(envId, current));
      throw new ProvisionError(current, (err as Error).message, await lastLogLines(container));
    }
    return this.get(envId);
  }

  private async containersOf(envId: string): Promise<ContainerSummary[]> {
    return this.docker.listContainers({ all: true, filters: envFilter(envId) });
  }

  list(): Promise<Env[]> {
    return viaEngine(() => this.listEnvs());
  }

  private async listEnvs(): Promise<Env[]> {
    const all = await this.docker.listContainers({ all: true, filters: allEnvsFilter() });
    const byEnv = new Map<string, ContainerSummary[]>();
    for (const c of all) {
      const id = c.Labels[LABEL.env];
      if (!id) continue;
      byEnv.set(id, [...(byEnv.get(id) ?? []), c]);
    }
    return [...byEnv.entries()]
      .map(([id, cs]) => envFromContainers(id, cs))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  get(envId: string): Promise<Env> {
    return viaEngine(async () => {
      const containers = isEnvId(envId) ? await this.containersOf(envId) : [];
      if (containers.length === 0) {
        throw new UnknownEnvError(
          envId,
          (await this.list()).map((e) => e.id),
        );
      }
      return envFromContainers(envId, containers);
    });
  }

  /**
   * Removes the environment's containers, networks and volumes. Idempotent. When the engine does
   * not answer, the environment is remembered and removed by the next `reap()`.
   */
  async destroy(envId: string): Promise<void> {
    try {
      await viaEngine(() => this.destroyEnv(envId));
      this.leftovers.delete(envId);
    } catch (err) {
      if (engineDidNotAnswer(err) && isEnvId(envId)) this.leftovers.add(envId);
      throw err;
    }
  }

  private async destroyEnv(envId: string): Promise<void> {
    if (!isEnvId(envId))
      throw new UnknownEnvError(
        envId,
        (await this.list()).map((e) => e.id),
      );
    const filters = envFilter(envId);
    const containers = await this.docker.listContainers({ all: true, filters });
    await Promise.all(
      containers.map((c) =>
        this.docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGone),
      ),
    );
    const networks = await this.docker.listNetworks({ filters });
    await Promise.all(
      networks.map((n) =>
        this.removeNetwork(n.Id).catch((err: Error) => {
          // Engine 20.10 can keep a stale endpoint on an empty network until dockerd restarts.
          // An empty network does no harm: keep going, the reaper tries again later.
          console.error(`archlab: network ${n.Name} not removed yet (${err.message.trim()})`);
        }),
      ),
    );
    const { Volumes } = await this.docker.listVolumes({ filters });
    await Promise.all(
      (Volumes ?? []).map((v) => this.docker.getVolume(v.Name).remove().catch(ignoreGone)),
    );
  }

  /**
   * Removes a network. Right after its containers were force-removed the engine may still count
   * their endpoints ("has active endpoints", 403): disconnect what is left and try again.
   */
  private async removeNetwork(id: string): Promise<void> {
    const network = this.docker.getNetwork(id);
    for (let attempt = 1; ; attempt++) {
      try {
        await network.remove();
        return;
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404) return;
        if (status !== 403 || attempt >= 5) throw err;
        const info = (await network.inspect().catch(() => undefined)) as
          { Containers?: Record<string, unknown> } | undefined;
        for (const container of Object.keys(info?.Containers ?? {})) {
          await network.disconnect({ Container: container, Force: true }).catch(() => undefined);
        }
        await new Promise((r) => setTimeout(r, 300 * attempt));
      }
    }
  }

  private async container(envId: string, host: string): Promise<Docker.Container> {
    return (await this.host(envId, host)).container;
  }

  private async host(
    envId: string,
    host: string,
  ): Promise<{ container: Docker.Container; user?: string }> {
    const env = await this.get(envId);
    const found = env.hosts.find((h) => h.name === host);
    if (!found)
      throw new UnknownHostError(
        envId,
        host,
        env.hosts.map((h) => h.name),
      );
    const container = this.docker.getContainer(names.container(envId, host));
    return found.user ? { container, user: found.user } : { container };
  }

  exec(envId: string, host: string, command: Command, options: ExecOptions): Promise<ExecResult> {
    return viaEngine(async () => {
      const container = await this.container(envId, host);
      return execInContainer(this.docker, container, command, options);
    });
  }

  openShell(envId: string, host: string, size: ShellSize): Promise<Shell> {
    return viaEngine(async () => {
      const { container, user } = await this.host(envId, host);
      return openShellInContainer(container, size, user);
    });
  }

  /**
   * Removes stray environments of every owner on this engine (reaper.ts says which), and those
   * a removal left behind while the engine did not answer.
   */
  reap(): Promise<StrayEnv[]> {
    return viaEngine(async () => {
      const removed: StrayEnv[] = [];
      for (const envId of [...this.leftovers]) {
        try {
          await this.destroy(envId);
          removed.push({ envId, reason: "its removal waited for the engine to answer" });
        } catch (err) {
          if (engineDidNotAnswer(err)) throw err;
          console.error(`archlab: could not remove ${envId} yet: ${(err as Error).message}`);
        }
      }
      return [...removed, ...(await reap(this.docker, this))];
    });
  }

  diskUsage(owner: string): Promise<EnvDiskUsage[]> {
    return viaEngine(() => envDiskUsage(this.docker, owner));
  }

  diskSpace(): Promise<DiskSpace | undefined> {
    return viaEngine(() => engineDiskSpace(this.docker));
  }

  /** A host's address on its environment's bridge network (the server runs beside the engine). */
  hostAddress(envId: string, host: string): Promise<string> {
    return viaEngine(() => this.address(envId, host));
  }

  private async address(envId: string, host: string): Promise<string> {
    const info = await this.docker.getContainer(names.container(envId, host)).inspect();
    if (!info.State.Running) throw new Error(`${host} is not running`);
    const ip = Object.values(info.NetworkSettings.Networks ?? {})
      .map((n) => n.IPAddress)
      .find(Boolean);
    if (!ip) throw new Error(`${host} has no address`);
    return ip;
  }
}

/**
 * The one command that runs as root in a dind host, fixed here: the engine copies the machine's
 * /dev/net/tun (mode 0600, root) into the host, and the learner's slirp4netns must open it. The
 * node is the host's own; opening it gives no network power outside the host.
 */
async function openTunToLearner(container: Docker.Container): Promise<void> {
  const exec = await container.exec({
    Cmd: ["chmod", "0666", TUN_DEVICE],
    User: "root",
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  stream.on("data", (c: Buffer) => out.push(c));
  await new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0)
    throw new Error(
      `could not open ${TUN_DEVICE} to the learner: ${demuxBuffer(Buffer.concat(out))}`,
    );
}

/** Removal races (already gone, being removed) are not errors. */
function ignoreGone(err: { statusCode?: number }): void {
  if (err.statusCode === 404 || err.statusCode === 409) return;
  throw err;
}
