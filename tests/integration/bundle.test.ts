// Air-gapped rooms: `archlab images bundle` on this machine, `archlab images load` into a fresh
// Docker engine of the test's own that has no network at all (--bridge=none, --iptables=false),
// so nothing it ends up with can have been fetched. Bad bundles are refused with nothing loaded.
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PATHS } from "../../src/lab/catalog.ts";
import { dockerClient } from "../../src/server/docker/client.ts";
import { ImageBuilder } from "../../src/server/docker/images/builder.ts";
import {
  assertSameSources,
  BundleError,
  bundlePlan,
  readBundleHeader,
  verifyBundle,
} from "../../src/server/docker/images/bundle.ts";
import { REGISTRY_VOLUME } from "../../src/server/docker/images/publish.ts";
import { FreshEngine } from "./fresh-engine.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/archlab.js");
/** The subset bundled: redis (and base, rootfs under it) and the registry that serves it. */
const IMAGES = ["redis", "registry"];

function archlab(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: 10 * 60_000,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

const main = dockerClient();
const mainImages = new ImageBuilder(main, DEFAULT_PATHS.imagesDir);
const work = mkdtempSync(path.join(tmpdir(), "archlab-bundle-"));
const bundle = path.join(work, "lab-images.tar");
const fresh = new FreshEngine();
let bundleOut = "";

beforeAll(async () => {
  // The images this test bundles (global-setup builds them in a full run).
  for (const item of await mainImages.plan(IMAGES)) {
    if (!item.upToDate) await mainImages.build(item, () => undefined);
  }
  const made = archlab({}, "images", "bundle", bundle, "--images", IMAGES.join(","));
  bundleOut = made.out;
  expect(made.code, made.out).toBe(0);
  await fresh.start();
}, 20 * 60_000);

afterAll(async () => {
  await fresh.stop();
  rmSync(work, { recursive: true, force: true });
}, 120_000);

/** What the fresh engine holds: image tags and volumes. */
async function freshState(): Promise<string[]> {
  const images = await fresh.docker.listImages();
  const volumes = (await fresh.docker.listVolumes()).Volumes ?? [];
  return [
    ...images.flatMap((i) => i.RepoTags ?? []).map((t) => `image ${t}`),
    ...volumes.map((v) => `volume ${v.Name}`),
  ].sort();
}

function copyWith(name: string, change: (file: string) => void): string {
  const file = path.join(work, name);
  copyFileSync(bundle, file);
  change(file);
  return file;
}

describe("archlab images bundle", () => {
  it("writes the images, their parents and the registry, and says where and how big", async () => {
    expect(bundleOut).toMatch(/bundle ready in [\d.]+ s: .*lab-images\.tar \([\d.]+ (MiB|GiB)/);
    expect(bundleOut).toMatch(/sha256 [0-9a-f]{64}/);
    const header = await readBundleHeader(bundle);
    expect(header.images.map((i) => i.name)).toEqual(["rootfs", "base", "redis", "registry"]);
    for (const image of header.images) expect(image.ref).toBe(mainImages.refFor(image.name));
    expect(header.published).toEqual(expect.arrayContaining(["redis:7", "debian:bookworm-slim"]));
    expect(header.published).not.toContain("nginx:latest");
    expect(header.complete).toBe(false);
  });

  it("refuses an unknown image, writing nothing", () => {
    const r = archlab({}, "images", "bundle", path.join(work, "x.tar"), "--images", "no-such");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/unknown image "no-such"/);
    expect(existsSync(path.join(work, "x.tar"))).toBe(false);
  });
});

describe("archlab images load into a fresh engine without network", () => {
  const env = () => ({ DOCKER_HOST: fresh.host });

  it("has no network through which anything could be fetched", async () => {
    const networks = (await fresh.docker.listNetworks()).map((n) => n.Name).sort();
    expect(networks).toEqual(["host", "none"]);
    expect(await freshState()).toEqual([]);
  });

  it("refuses a missing file, a file that is not a bundle, a truncated and a damaged bundle", async () => {
    const missing = archlab(env(), "images", "load", path.join(work, "nope.tar"));
    expect(missing.code).toBe(1);
    expect(missing.out).toContain("nope.tar does not exist");

    const notTar = path.join(work, "notes.txt");
    writeFileSync(notTar, "these are not images\n".repeat(100));
    const r1 = archlab(env(), "images", "load", notTar);
    expect(r1.code).toBe(1);
    expect(r1.out).toMatch(/notes\.txt is not an archlab bundle/);

    const otherTar = path.join(work, "other.tar");
    spawnSync("tar", ["-cf", otherTar, "-C", DEFAULT_PATHS.imagesDir, "redis"]);
    const r2 = archlab(env(), "images", "load", otherTar);
    expect(r2.code).toBe(1);
    expect(r2.out).toMatch(/other\.tar is not an archlab bundle \(it starts with "redis\//);

    const size = statSync(bundle).size;
    // Cut inside a layer, and once exactly where the checksum list begins.
    const truncated = copyWith("truncated.tar", (f) => truncateSync(f, Math.floor(size * 0.3)));
    const r3 = archlab(env(), "images", "load", truncated);
    expect(r3.code).toBe(1);
    expect(r3.out).toMatch(
      /truncated\.tar is truncated at [\d.]+ MiB, in part images\/[0-9a-f]{64}\//,
    );
    const cut = copyWith("cut.tar", (f) => truncateSync(f, trailerOffset(f)));
    const r3b = archlab(env(), "images", "load", cut);
    expect(r3b.code).toBe(1);
    expect(r3b.out).toMatch(
      /cut\.tar is truncated: it ends after part registry\/.*before its checksum list/,
    );

    const damaged = copyWith("damaged.tar", (f) => {
      const fd = openSync(f, "r+");
      writeSync(fd, Buffer.from("archlab was here"), 0, 16, Math.floor(size * 0.3));
      closeSync(fd);
    });
    const r4 = archlab(env(), "images", "load", damaged);
    expect(r4.code).toBe(1);
    expect(r4.out).toMatch(
      /damaged\.tar is damaged; nothing was loaded:\n {2}- part images\/[0-9a-f]{64}\/layer\.tar \(a layer of archlab\/[a-z]+/,
    );
    expect(await freshState()).toEqual([]);
  });

  it("refuses a bundle made from other image sources, naming the images that differ", async () => {
    const other = path.join(work, "other-images");
    cpSync(DEFAULT_PATHS.imagesDir, other, { recursive: true });
    appendFileSync(path.join(other, "redis", "Dockerfile"), "# a change\n");
    const header = await readBundleHeader(bundle);
    let error: unknown;
    try {
      assertSameSources(bundle, header, new ImageBuilder(fresh.docker, other));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BundleError);
    const message = (error as Error).message;
    expect(message).toMatch(/was made from other image sources/);
    expect(message).toMatch(/- redis: the bundle has archlab\/redis:\w+, the sources here build/);
    expect(message).not.toMatch(/- (base|registry|rootfs):/);
    expect(message).toMatch(/Check out the commit the bundle was made from/);
    // Bundling changed sources that are not built yet is refused, naming the image.
    await expect(bundlePlan(new ImageBuilder(main, other), ["redis"])).rejects.toThrow(
      /not built from the current sources: redis; run `archlab images build redis` first/,
    );
    // The same sources pass.
    assertSameSources(bundle, header, new ImageBuilder(fresh.docker, DEFAULT_PATHS.imagesDir));
    await expect(verifyBundle(bundle)).resolves.toBeDefined();
  });

  it("loads the images at their content tags and the offline registry; building is a no-op", async () => {
    const loaded = archlab(env(), "images", "load", bundle);
    expect(loaded.code, loaded.out).toBe(0);
    expect(loaded.out).toMatch(/parts verified/);

    const freshImages = new ImageBuilder(fresh.docker, DEFAULT_PATHS.imagesDir);
    const plan = await freshImages.plan(IMAGES);
    expect(plan.map((p) => [p.name, p.upToDate])).toEqual([
      ["rootfs", true],
      ["base", true],
      ["redis", true],
      ["registry", true],
    ]);
    for (const item of plan) {
      const here = await fresh.docker.getImage(item.ref).inspect();
      const there = await main.getImage(item.ref).inspect();
      expect(here.Id).toBe(there.Id);
    }
    const build = archlab(env(), "images", "build", ...IMAGES, "--no-publish");
    expect(build.code, build.out).toBe(0);
    expect(build.out.match(/up to date/g)?.length, build.out).toBe(4);

    // The registry serves redis:7 from the restored volume: its manifest names the loaded image.
    const redisId = (await fresh.docker.getImage(freshImages.refFor("redis")).inspect()).Id;
    const registry = await fresh.docker.createContainer({
      Image: freshImages.refFor("registry"),
      HostConfig: {
        NetworkMode: "none",
        Mounts: [
          {
            Type: "volume",
            Source: REGISTRY_VOLUME,
            Target: "/var/lib/docker-registry",
            ReadOnly: true,
          },
        ],
      },
    });
    try {
      await registry.start();
      let manifest = "";
      for (let i = 0; i < 50 && !manifest.includes("schemaVersion"); i++) {
        await new Promise((r) => setTimeout(r, 200));
        manifest = await execOut(fresh.docker, registry.id, [
          "curl",
          "-s",
          "-H",
          "Accept: application/vnd.docker.distribution.manifest.v2+json",
          "http://127.0.0.1:5000/v2/library/redis/manifests/7",
        ]);
      }
      expect(JSON.parse(manifest).config.digest).toBe(redisId);
    } finally {
      await registry.remove({ force: true });
    }
  });
});

/** Where the tar header of the checksum list starts (it is the last entry). */
function trailerOffset(file: string): number {
  const size = statSync(file).size;
  const tail = Buffer.alloc(Math.min(size, 4 * 1024 ** 2));
  const fd = openSync(file, "r");
  readSync(fd, tail, 0, tail.length, size - tail.length);
  closeSync(fd);
  const at = tail.lastIndexOf("archlab-bundle-checksums.json");
  expect(at % 512).toBe(0);
  return size - tail.length + at;
}

async function execOut(docker: Docker, id: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString();
}
