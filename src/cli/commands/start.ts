// `archlab start` (what `npm start` runs): gets this machine ready — a Docker engine (installed
// and started when root on Debian), every lab image built and published — then serves the
// course. Without an engine it says what to install and still serves the chapters.
import { homedir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { dockerClient } from "../../server/docker/client.ts";
import { ensureEngine } from "../../server/docker/engine-setup.ts";
import { buildImages } from "./images.ts";
import { serve, type ServeOptions } from "./serve.ts";

/** A running engine (installed and started when root on Debian) and every image published. */
export async function prepareEngine(): Promise<void> {
  const say = (line: string) => console.log(pc.cyan(`» ${line}`));
  const engine = await ensureEngine(dockerClient(), say);
  say(engine === "started" ? "Docker engine started" : "Docker engine is running");
  await buildImages([], { publish: true });
}

export function registerStart(program: Command): void {
  program
    .command("start")
    .description(
      "get the engine and images ready (installing Docker as root on Debian), then serve the course",
    )
    .option("--host <address>", "address to bind", "127.0.0.1")
    .option("--port <port>", "port", "4321")
    .option(
      "--db <file>",
      "SQLite file for progress",
      path.join(homedir(), ".archlab", "archlab.db"),
    )
    .action(async (opts: ServeOptions) => {
      try {
        await prepareEngine();
      } catch (err) {
        console.error(
          pc.yellow(
            `\nlabs are unavailable: ${(err as Error).message}\nthe chapters are served anyway.\n`,
          ),
        );
      }
      await serve(opts);
    });
}
