// `archlab images build|publish|ls`: build the lab images with progress, publish them offline.
import type { Command } from "commander";
import { Listr, PRESET_TIMER } from "listr2";
import pc from "picocolors";
import { DEFAULT_PATHS } from "../../lab/catalog.ts";
import { assertEngine, dockerClient } from "../../server/docker/client.ts";
import { ImageBuilder } from "../../server/docker/images/builder.ts";
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
