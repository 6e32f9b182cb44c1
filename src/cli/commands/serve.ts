// `archlab serve`: the course site, the lab API and the terminal WebSocket on one port.
import { homedir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { loadAllLabs } from "../../lab/catalog.ts";
import { formatProblem } from "../../lab/loader.ts";
import { dockerEngine } from "../../server/app.ts";
import { startServer, type RunningServer } from "../../server/http/server.ts";
import type { WorkshopConfig } from "../../server/workshop/config.ts";
import { buildSite, siteIsStale, SITE_DIR } from "./site.ts";

export interface ServeOptions {
  host: string;
  port: string;
  db: string;
  /** False (--no-build): serve dist/ as it is, even when its sources changed since. */
  build?: boolean;
  /** --disk-per-env: the disk guard's cap per environment, e.g. "6g" (default 6g). */
  diskPerEnv?: string;
}

const SIZE_UNITS: Record<string, number> = { m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "500m", "6g", "1.5t" in bytes; anything else, or under 100 MiB, is an error saying so. */
export function parseDiskSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([mgt])$/i.exec(text.trim());
  const bytes = m ? Number(m[1]) * (SIZE_UNITS[(m[2] as string).toLowerCase()] as number) : NaN;
  if (!(bytes >= 100 * 1024 ** 2)) {
    throw new Error(
      `--disk-per-env must be a size of at least 100m, such as 500m or 6g, not "${text}"`,
    );
  }
  return bytes;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, not "${text}"`);
  }
  return port;
}

export async function serve(
  opts: ServeOptions,
  extra: { workshop?: WorkshopConfig; quiet?: boolean; tls?: { cert: string; key: string } } = {},
): Promise<RunningServer> {
  const port = parsePort(opts.port);
  const disk = opts.diskPerEnv ? { capBytes: parseDiskSize(opts.diskPerEnv) } : undefined;
  if (opts.build !== false && siteIsStale()) {
    console.log(pc.cyan("» building the course site"));
    await buildSite();
  }
  const { labs, problems } = loadAllLabs();
  for (const p of problems) console.error(pc.yellow(`skipping a lab: ${formatProblem(p)}`));
  const { provisioner } = dockerEngine();
  const running = await startServer({
    host: opts.host,
    port,
    siteDir: SITE_DIR,
    dbFile: opts.db,
    labs,
    provisioner,
    ...(extra.workshop ? { workshop: extra.workshop } : {}),
    ...(extra.tls ? { tls: { cert: extra.tls.cert, key: extra.tls.key } } : {}),
    ...(disk ? { disk } : {}),
  });
  if (!extra.quiet)
    console.log(`\n  archlab is serving the course at ${pc.bold(pc.green(`${running.url}/`))}\n`);
  const stop = () => {
    console.log("stopping: removing the environments this server started…");
    void running.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return running;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "serve the course site, lab API and terminals on one port (builds the site if needed)",
    )
    .option(
      "--host <address>",
      "address to bind (the room needs 0.0.0.0; see workshop)",
      "127.0.0.1",
    )
    .option("--port <port>", "port (0 picks a free one)", "4321")
    .option(
      "--db <file>",
      "SQLite file for progress (and, beside it, the server id a restart takes its environments back by)",
      path.join(homedir(), ".archlab", "archlab.db"),
    )
    .option("--no-build", "serve the built site as it is, without rebuilding it when it is stale")
    .option(
      "--disk-per-env <size>",
      "the most one environment may write to disk before the disk guard removes it (default 6g)",
    )
    .action(async (opts: ServeOptions) => void (await serve(opts)));
}
