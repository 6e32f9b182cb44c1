// `archlab doctor`: is this machine ready to run labs? Engine, images, registry, disk; and
// whether running labs would survive a dockerd restart (the engine's live-restore).
import { statfsSync } from "node:fs";
import type { Command } from "commander";
import pc from "picocolors";
import { DEFAULT_PATHS } from "../../lab/catalog.ts";
import { assertEngine, dockerClient } from "../../server/docker/client.ts";
import { LIVE_RESTORE_FIX } from "../../server/docker/engine-setup.ts";
import { ImageBuilder } from "../../server/docker/images/builder.ts";
import { registryPublished } from "../../server/docker/images/publish.ts";

const MIN_FREE_BYTES = 5 * 1024 ** 3;

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the Docker engine, the lab images, the offline registry and free disk")
    .action(async () => {
      let ok = true;
      const report = (good: boolean, what: string, fix?: string) => {
        ok &&= good;
        console.log(
          `${good ? pc.green("✔") : pc.red("✘")} ${what}${!good && fix ? pc.dim(`\n    fix: ${fix}`) : ""}`,
        );
      };
      const docker = dockerClient();
      try {
        await assertEngine(docker);
        const v = await docker.version();
        report(true, `Docker engine ${v.Version} (API ${v.ApiVersion})`);
      } catch (err) {
        report(false, (err as Error).message);
        process.exitCode = 1;
        return;
      }
      const builder = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
      const missing = (await builder.plan([])).filter((i) => !i.upToDate).map((i) => i.name);
      report(
        missing.length === 0,
        missing.length ? `images not built: ${missing.join(", ")}` : "all lab images built",
        `archlab images build ${missing.join(" ")}`,
      );
      report(
        await registryPublished(docker),
        "offline registry published (docker pull inside labs)",
        "archlab images publish",
      );
      const info = (await docker.info()) as {
        DockerRootDir?: string;
        LiveRestoreEnabled?: boolean;
      };
      // A warning, not a failure: labs run without it, they only do not survive a restart.
      if (info.LiveRestoreEnabled)
        console.log(`${pc.green("✔")} live-restore on: running labs survive a dockerd restart`);
      else
        console.log(
          `${pc.yellow("!")} live-restore off: a dockerd restart stops every running lab` +
            pc.dim(`\n    fix: ${LIVE_RESTORE_FIX}`),
        );
      const fs = statfsSync(info.DockerRootDir ?? "/");
      const free = fs.bavail * fs.bsize;
      report(
        free > MIN_FREE_BYTES,
        `${(free / 1024 ** 3).toFixed(1)} GiB free for Docker`,
        "free disk space: labs need about 5 GiB",
      );
      process.exitCode = ok ? 0 : 1;
    });
}
