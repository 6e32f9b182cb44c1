// Publishes lab images to the offline registry's storage volume, so that inside a learner's
// Docker-in-Docker host `docker pull redis:7` is served by the environment's read-only mirror.
import http from "node:http";
import type Docker from "dockerode";
import { LABEL } from "../labels.ts";
import type { ImageBuilder } from "./builder.ts";
import { imageRef, ROOTFS, ROOTFS_PUBLISH } from "./recipe.ts";
import type { Log } from "./rootfs.ts";
import { ImageMissingError } from "./builder.ts";
import { imageExists } from "./rootfs.ts";

/** Docker volume holding the registry's storage; mounted read-only by every environment. */
export const REGISTRY_VOLUME = "archlab-registry";
export const REGISTRY_IMAGE = "registry";
/** Where the registry image keeps its storage (config-rw.yml, config-ro.yml). */
export const REGISTRY_STORAGE = "/var/lib/docker-registry";

/** One GET with node:http (this machine's global fetch can hang on a half-open loopback port). */
function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await httpOk(url)) return;
    if (Date.now() > deadline) throw new Error(`registry did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (err) => (err ? reject(err) : resolve()),
      (e: { error?: string }) => e.error && reject(new Error(e.error)),
    ),
  );
}

/** Whether the process that labelled a publishing registry `pid:<pid>` still runs. */
function publisherAlive(label: string | undefined): boolean {
  const m = /^pid:(\d+)$/.exec(label ?? "");
  if (!m) return false;
  try {
    process.kill(Number(m[1]), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Every (local image ref, public name) pair to publish (of `only` images, when given). */
async function publications(builder: ImageBuilder, only?: string[]): Promise<[string, string][]> {
  const pairs: [string, string][] = [];
  const wanted = (name: string) => !only || only.includes(name);
  const rootfs = (await builder.plan([]))[0];
  if (rootfs && wanted(ROOTFS))
    for (const name of ROOTFS_PUBLISH) pairs.push([imageRef(ROOTFS, rootfs.hash), name]);
  for (const name of builder.names().filter(wanted)) {
    for (const publicName of builder.recipe(name)?.publishAs ?? []) {
      pairs.push([builder.refFor(name), publicName]);
    }
  }
  return pairs;
}

export interface PublishOptions {
  /** The volume to publish into (default the offline registry's, REGISTRY_VOLUME). */
  volume?: string;
  /** Publish only these images' names (folders of infra/images, or "rootfs"); default all. */
  images?: string[];
}

/** Pushes every publishable image into the registry volume. Returns the public names. */
export async function publishImages(
  docker: Docker,
  builder: ImageBuilder,
  log: Log,
  options: PublishOptions = {},
): Promise<string[]> {
  const volume = options.volume ?? REGISTRY_VOLUME;
  const registryRef = await builder.resolve(REGISTRY_IMAGE);
  const pairs = await publications(builder, options.images);
  for (const [ref] of pairs) {
    if (!(await imageExists(docker, ref))) throw new ImageMissingError(ref);
  }
  // A publish that died half-way left its registry running; remove it first (but not the
  // registry of a publish still running in another process, e.g. a bundle being made).
  const leftovers = await docker.listContainers({
    all: true,
    filters: { label: [LABEL.publisher] },
  });
  await Promise.all(
    leftovers
      .filter((c) => !publisherAlive(c.Labels[LABEL.publisher]))
      .map((c) => docker.getContainer(c.Id).remove({ force: true })),
  );
  await docker.createVolume({ Name: volume, Labels: { [LABEL.managed]: "1" } });
  const container = await docker.createContainer({
    Image: registryRef,
    Cmd: ["docker-registry", "serve", "/etc/archlab-registry/config-rw.yml"],
    Labels: { [LABEL.managed]: "1", [LABEL.publisher]: `pid:${process.pid}` },
    ExposedPorts: { "5000/tcp": {} },
    HostConfig: {
      AutoRemove: false,
      PortBindings: { "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      Mounts: [{ Type: "volume", Source: volume, Target: REGISTRY_STORAGE }],
    },
  });
  const pushed: string[] = [];
  try {
    await container.start();
    const info = await container.inspect();
    const port = info.NetworkSettings.Ports["5000/tcp"]?.[0]?.HostPort;
    if (!port) throw new Error("the publishing registry got no port");
    const registry = `127.0.0.1:${port}`;
    await waitForHttp(`http://${registry}/v2/`, 20_000);
    for (const [ref, publicName] of pairs) {
      const [repo, tag] = publicName.split(":") as [string, string];
      // Docker Hub's official images live under library/; a name with an owner keeps it.
      const target = `${registry}/${repo.includes("/") ? repo : `library/${repo}`}`;
      log(`publishing ${publicName}`);
      await docker.getImage(ref).tag({ repo: target, tag });
      try {
        // The engine insists on an auth header even for a registry without auth.
        const push = docker
          .getImage(`${target}:${tag}`)
          .push({ authconfig: { serveraddress: registry } });
        await follow(docker, await push);
      } finally {
        await docker.getImage(`${target}:${tag}`).remove({ noprune: true });
      }
      pushed.push(publicName);
    }
  } finally {
    await container.remove({ force: true });
  }
  return pushed;
}

/** Whether the registry volume exists (images were published at least once). */
export async function registryPublished(docker: Docker): Promise<boolean> {
  try {
    await docker.getVolume(REGISTRY_VOLUME).inspect();
    return true;
  } catch {
    return false;
  }
}
