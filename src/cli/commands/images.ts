// `archlab images build|publish|ls|bundle|load`: build the lab images with progress, publish them
// offline, carry them to a machine without a package mirror in one checked file.
import path from "node:path";
import type { Command } from "commander";
import { Listr, PRESET_TIMER } from "listr2";
import pc from "picocolors";
import { DEFAULT_PATHS } from "../../lab/catalog.ts";
import { assertEngine, dockerClient } from "../../server/docker/client.ts";
import { ImageBuilder } from "../../server/docker/images/builder.ts";
import {
  assertSameSources,
  bundlePlan,
  formatBytes,
  loadVerifiedBundle,
  readBundleHeader,
  verifyBundle,
  writeBundle,
  type BundleHeader,
  type BundleResult,
  type LoadResult,
  type Verified,
} from "../../server/docker/images/bundle.ts";
import { publishImages } from "../../server/docker/images/publish.ts";

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Builds `names` (all when empty) and publishes; shared by `images build` and `setup`. */
export async function buildImages(names: string[], options: { publish: boolean }): Promise<void> {
  const docker = dockerClient();
  await assertEngine(docker);
  const builder = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
  const plan = await builder.plan(names);
  const started = Date.now();
  const tasks = new Listr(
    [
      ...plan.map((item, i) => ({
        title: `[${i + 1}/${plan.length}] ${item.name} ${pc.dim(item.ref)}`,
        skip: () => (item.upToDate ? "up to date" : false),
        task: async (_ctx: unknown, task: { title: string; output: string }) => {
          const t0 = Date.now();
          await builder.build(item, (line) => (task.output = line));
          task.title = `[${i + 1}/${plan.length}] ${item.name} ${pc.dim(item.ref)} built in ${formatSeconds(Date.now() - t0)}`;
        },
      })),
      {
        title: "publish to the offline registry",
        enabled: () => options.publish,
        task: async (_ctx: unknown, task: { title: string; output: string }) => {
          const names = await publishImages(docker, builder, (line) => (task.output = line));
          task.title = `published ${names.length} images: ${names.join(", ")}`;
        },
      },
    ],
    {
      concurrent: false,
      exitOnError: true,
      rendererOptions: { collapseSubtasks: false },
      fallbackRendererOptions: { timer: PRESET_TIMER },
      fallbackRendererCondition: !process.stdout.isTTY,
    },
  );
  await tasks.run();
  console.log(`images ready in ${formatSeconds(Date.now() - started)}`);
}

const LISTR_OPTIONS = {
  concurrent: false,
  exitOnError: true,
  rendererOptions: { collapseSubtasks: false },
  fallbackRendererOptions: { timer: PRESET_TIMER },
  fallbackRendererCondition: !process.stdout.isTTY,
} as const;

type Task = { title: string; output: string };

/** "a,b" -> ["a", "b"]; an empty list is an error (leave --images out for every image). */
export function parseImageList(text: string | undefined): string[] {
  if (text === undefined) return [];
  const names = text
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new Error("--images needs image names, e.g. --images redis,nginx");
  return names;
}

/** Progress shown at most 4 times a second, every 5 s in a log (not a terminal). */
function throttled(show: (text: string) => void): (text: string) => void {
  const every = process.stdout.isTTY ? 250 : 5000;
  let last = 0;
  return (text) => {
    const now = Date.now();
    if (now - last < every) return;
    last = now;
    show(text);
  };
}

function percent(bytes: number, total?: number): string {
  return total
    ? `${formatBytes(bytes)} of ${formatBytes(total)} (${Math.floor((100 * bytes) / total)}%)`
    : formatBytes(bytes);
}

/** `archlab images bundle FILE`: every lab image and the offline registry in one file. */
export async function bundleImages(file: string, names: string[]): Promise<BundleResult> {
  const docker = dockerClient();
  await assertEngine(docker);
  const builder = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
  const started = Date.now();
  let result: BundleResult | undefined;
  await new Listr(
    [
      {
        title: "check that the images are built from the current sources",
        task: async (_ctx: unknown, task: Task) => {
          const plan = await bundlePlan(builder, names);
          task.title = `${plan.length} images: ${plan.map((p) => p.name).join(", ")}`;
        },
      },
      {
        title: `write ${file}`,
        task: async (_ctx: unknown, task: Task) => {
          const t0 = Date.now();
          const show = throttled((text) => (task.output = text));
          result = await writeBundle(docker, builder, file, {
            images: names,
            sourcesDir: path.dirname(DEFAULT_PATHS.imagesDir),
            log: (line) => (task.output = line),
            onProgress: (bytes) => show(`written ${formatBytes(bytes)}`),
          });
          task.title = `wrote ${file}: ${formatBytes(result.bytes)}, ${result.parts} parts, in ${formatSeconds(Date.now() - t0)}`;
        },
      },
    ],
    LISTR_OPTIONS,
  ).run();
  const r = result as BundleResult;
  console.log(
    `bundle ready in ${formatSeconds(Date.now() - started)}: ${r.file} (${formatBytes(r.bytes)}, ${r.bytes} bytes)\n` +
      `  sha256 ${r.sha256}\n` +
      `  offline registry: ${r.published.join(", ")}\n` +
      `  on the machine without a package mirror: npx archlab images load ${path.basename(r.file)}`,
  );
  return r;
}

/** `archlab images load FILE`: checks the whole bundle, then loads images and registry. */
export async function loadImages(file: string): Promise<LoadResult> {
  const docker = dockerClient();
  await assertEngine(docker);
  const builder = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
  const started = Date.now();
  let header: BundleHeader | undefined;
  let verified: Verified | undefined;
  let result: LoadResult | undefined;
  await new Listr(
    [
      {
        title: `read ${file}`,
        task: async (_ctx: unknown, task: Task) => {
          header = await readBundleHeader(file);
          task.title = `a bundle of ${header.images.length} images, made ${header.created}${header.commit ? ` from commit ${header.commit}` : ""}`;
        },
      },
      {
        title: "compare its images with the sources in infra/images",
        task: (_ctx: unknown, task: Task) => {
          assertSameSources(file, header as BundleHeader, builder);
          task.title = "every image of the bundle matches these sources";
        },
      },
      {
        title: "verify the checksum of every part (nothing is loaded before)",
        task: async (_ctx: unknown, task: Task) => {
          const t0 = Date.now();
          const show = throttled((text) => (task.output = text));
          verified = await verifyBundle(file, (bytes, total) =>
            show(`read ${percent(bytes, total)}`),
          );
          task.title = `${verified.trailer.parts.length} parts verified (${formatBytes(verified.bytes)}) in ${formatSeconds(Date.now() - t0)}`;
        },
      },
      {
        title: "load the images and the offline registry",
        task: async (_ctx: unknown, task: Task) => {
          const t0 = Date.now();
          const show = throttled((text) => (task.output = text));
          result = await loadVerifiedBundle(docker, builder, file, verified as Verified, {
            log: (line) => (task.output = line),
            onProgress: (bytes, total) => show(`loaded ${percent(bytes, total)}`),
          });
          task.title = `loaded ${result.header.images.length} images and the offline registry in ${formatSeconds(Date.now() - t0)}`;
        },
      },
    ],
    LISTR_OPTIONS,
  ).run();
  const r = result as LoadResult;
  console.log(
    `loaded in ${formatSeconds(Date.now() - started)}: ${r.header.images.map((i) => i.ref).join(", ")}\n` +
      `  offline registry: ${r.header.published.join(", ")}` +
      (r.notInBundle.length
        ? `\n  ${pc.yellow("not in the bundle")} (their labs need them built or another bundle): ${r.notInBundle.join(", ")}`
        : ""),
  );
  return r;
}

export function registerImages(program: Command): void {
  const images = program.command("images").description("build and publish the lab images");
  images
    .command("build")
    .description("build images from infra/images (all when none named); unchanged ones are kept")
    .argument("[names...]", "image names (folders of infra/images)")
    .option("--no-publish", "do not publish to the offline registry afterwards")
    .action(async (names: string[], opts: { publish: boolean }) => {
      await buildImages(names, opts);
    });
  images
    .command("publish")
    .description("push lab images (redis:7, nginx, debian) into the offline registry volume")
    .action(async () => {
      const docker = dockerClient();
      await assertEngine(docker);
      const builder = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
      const names = await publishImages(docker, builder, (line) => console.log(pc.dim(line)));
      console.log(`published: ${names.join(", ")}`);
    });
  images
    .command("bundle")
    .description(
      "write every built lab image and the offline registry into FILE, for a machine without a package mirror",
    )
    .argument("<file>", "the bundle to write (gzip-compressed when it ends in .gz)")
    .option("--images <names>", "only these images and their parents, e.g. redis,nginx")
    .action(async (file: string, opts: { images?: string }) => {
      await bundleImages(file, parseImageList(opts.images));
    });
  images
    .command("load")
    .description(
      "check FILE (made by `images bundle`) completely, then load its images and offline registry",
    )
    .argument("<file>", "a bundle made by `archlab images bundle`")
    .action(async (file: string) => {
      await loadImages(file);
    });
  images
    .command("ls")
    .description("list the images and whether the current sources are built")
    .action(async () => {
      const docker = dockerClient();
      await assertEngine(docker);
      const builder = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
      for (const item of await builder.plan([])) {
        const state = item.upToDate ? pc.green("built") : pc.yellow("not built");
        console.log(`${item.name.padEnd(14)} ${state.padEnd(20)} ${item.ref}`);
      }
    });
}
