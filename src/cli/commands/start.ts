// `archlab start` (what `npm start` runs): gets this machine ready to run the course's labs:
// a Docker engine (installed and started when root on Debian), every lab image built and
// published, then how to take a lab.
import type { Command } from "commander";
import pc from "picocolors";
import { loadAllLabs } from "../../lab/catalog.ts";
import { dockerClient } from "../../server/docker/client.ts";
import { ensureEngine } from "../../server/docker/engine-setup.ts";
import { buildImages } from "./images.ts";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("prepare everything the labs need (Docker engine, images), then list the labs")
    .action(async () => {
      const say = (line: string) => console.log(pc.cyan(`» ${line}`));
      const engine = await ensureEngine(dockerClient(), say);
      say(engine === "started" ? "Docker engine started" : "Docker engine is running");
      await buildImages([], { publish: true });
      const { labs } = loadAllLabs();
      console.log(pc.bold("\nLabs:"));
      for (const { lab, steps } of labs) {
        const title =
          typeof lab.title === "string" ? lab.title : `${lab.title.zh} — ${lab.title.en}`;
        console.log(`  ${pc.green(lab.id.padEnd(20))} ${title} (${steps.length} steps)`);
      }
      console.log(
        `\nTake one in your terminal:\n  archlab env up ${labs[0]?.lab.id ?? "LAB"}     # prints ENV\n` +
          `  archlab env shell ENV\n  archlab check ENV STEP\n` +
          pc.dim(
            "(The course site with browser terminals is being built: see README, Known limits.)",
          ),
      );
    });
}
