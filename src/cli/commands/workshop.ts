// `archlab workshop`: serves the course for a room — seats behind a join code, an instructor
// dashboard behind its own secret link, a warm pool — and `archlab workshop report` exports
// where the room got stuck as CSV, also after the workshop has ended.
import { writeFileSync } from "node:fs";
import { homedir, networkInterfaces } from "node:os";
import path from "node:path";
import { type Command, Option } from "commander";
import pc from "picocolors";
import { labIds, loadAllLabs } from "../../lab/catalog.ts";
import { formatDuration } from "../../lab/units.ts";
import { resolveTls, tlsFromOptions, type TlsMaterial } from "../../server/http/tls.ts";
import { Store } from "../../server/storage/store.ts";
import {
  assertKnownLabs,
  loadWorkshopConfig,
  type WorkshopConfig,
} from "../../server/workshop/config.ts";
import { workshopReportCsv } from "../../server/workshop/report.ts";
import { prepareEngine } from "./start.ts";
import { parseDiskSize, serve } from "./serve.ts";

const DEFAULT_DB = path.join(homedir(), ".archlab", "archlab.db");

interface WorkshopOptions {
  config?: string;
  name?: string;
  labs?: string;
  seats?: string;
  session?: string;
  idle?: string;
  pool?: string;
  poolMemory?: string;
  host?: string;
  port?: string;
  db: string;
  prepare: boolean;
  build: boolean;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  diskPerEnv?: string;
}

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`${flag} must be a whole number, not "${text}"`);
  return Number(text);
}

/** The options given on the command line, as config fields (absent ones stay absent). */
function overridesOf(opts: WorkshopOptions): Record<string, unknown> {
  const tls = tlsFromOptions(opts);
  return {
    tls:
      typeof tls === "object" ? { cert: path.resolve(tls.cert), key: path.resolve(tls.key) } : tls,
    name: opts.name,
    labs: opts.labs
      ?.split(",")
      .map((l) => l.trim())
      .filter(Boolean),
    seats: integer("--seats", opts.seats),
    session: opts.session,
    idle: opts.idle,
    poolSize: integer("--pool", opts.pool),
    poolMemory: opts.poolMemory,
    host: opts.host,
    port: integer("--port", opts.port),
  };
}

/** An address people in the room can type: the first LAN IPv4 when bound to every address. */
export function roomAddress(host: string): string {
  if (host !== "0.0.0.0" && host !== "::") return host;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "localhost";
}

function announce(
  config: WorkshopConfig,
  joinUrl: string,
  code: string,
  instructorUrl: string,
  tls: TlsMaterial | undefined,
): void {
  const line = pc.dim("─".repeat(64));
  console.log(`\n${line}\n  ${pc.bold(config.name)}`);
  console.log(
    `  labs ${config.labs.join(", ")} · ${config.seats} seats · ${formatDuration(config.sessionMs)} each · idle after ${formatDuration(config.idleMs)} · warm pool ${config.pool.size}/lab`,
  );
  if (tls) {
    console.log(
      `\n  HTTPS with ${tls.selfSigned ? "a self-signed certificate" : "the certificate"} ${tls.certFile} (valid until ${tls.validTo.toISOString().slice(0, 10)})`,
    );
    console.log(`  SHA-256 fingerprint ${pc.bold(tls.fingerprint256)}`);
    if (tls.selfSigned)
      console.log(
        pc.dim(
          "  Browsers warn about a self-signed certificate: check that the fingerprint they show is this one, then accept it.",
        ),
      );
  }
  console.log(`\n  Learners join at   ${pc.bold(pc.green(joinUrl))}`);
  console.log(`  with the code      ${pc.bold(pc.green(code))}`);
  console.log(
    `\n  Instructor (keep this private):\n  ${pc.bold(pc.yellow(instructorUrl))}\n${line}\n`,
  );
}

export function registerWorkshop(program: Command): void {
  const workshop = program
    .command("workshop")
    .description("run a workshop: join code, seats, instructor dashboard, warm pool");
  workshop
    .command("start", { isDefault: true })
    .description(
      "serve the course to a room (the default: `archlab workshop --labs docker-basics`)",
    )
    .option("--config <file>", "a workshop YAML file (options given here win over it)")
    .option("--name <text>", "workshop name shown to learners")
    .option("--labs <ids>", "comma-separated lab ids, e.g. docker-basics,docker-networks")
    .option("--seats <n>", "most learners in the room (default 30)")
    .option("--session <duration>", "each learner's time from joining, e.g. 3h (default 3h)")
    .option(
      "--idle <duration>",
      "remove an idle learner's environments after, e.g. 30m (default 30m)",
    )
    .option("--pool <n>", "ready environments kept per lab (default 0)")
    .option("--pool-memory <size>", "memory the warm pool may reserve, e.g. 8g (default 8g)")
    .option("--host <address>", "address to bind (default 0.0.0.0: the room must reach it)")
    .option("--port <port>", "port (default 4321)")
    .option("--db <file>", "SQLite file for progress and reports", DEFAULT_DB)
    .option(
      "--tls",
      "serve HTTPS/WSS with a self-signed certificate (kept beside --db) and print its fingerprint",
    )
    .option("--tls-cert <file>", "serve HTTPS/WSS with this PEM certificate (with --tls-key)")
    .option("--tls-key <file>", "the PEM private key of --tls-cert")
    .option(
      "--disk-per-env <size>",
      "the most one environment may write to disk before the disk guard removes it (default 6g)",
    )
    .addOption(new Option("--no-prepare", "skip the engine and image check (they are ready)"))
    .addOption(new Option("--no-build", "serve the built site as it is, even when it is stale"))
    .action(async (opts: WorkshopOptions) => {
      const config = loadWorkshopConfig(opts.config, overridesOf(opts));
      // Fail before images and the site are built.
      assertKnownLabs(config.labs, labIds());
      if (opts.diskPerEnv) parseDiskSize(opts.diskPerEnv);
      const tls = await resolveTls(config.tls, {
        bindHost: config.host,
        dir: path.join(path.dirname(path.resolve(opts.db)), "tls"),
      });
      if (opts.prepare) await prepareEngine();
      const running = await serve(
        {
          host: config.host,
          port: String(config.port),
          db: opts.db,
          build: opts.build,
          ...(opts.diskPerEnv ? { diskPerEnv: opts.diskPerEnv } : {}),
        },
        { workshop: config, quiet: true, ...(tls ? { tls } : {}) },
      );
      const w = running.workshop;
      if (!w) return;
      const port = new URL(running.url).port;
      w.publicUrl = `${tls ? "https" : "http"}://${roomAddress(config.host)}:${port}`;
      if (w.resumed)
        console.log(
          pc.yellow(
            `\n  Resumed "${config.name}" after its server stopped without ending it: the same code and links, ${w.room.taken} seat(s) taken (end it with Ctrl+C; a new one starts next time).`,
          ),
        );
      announce(config, w.joinUrl, w.room.code, w.instructorUrl, tls);
    });
  workshop
    .command("report")
    .description("write a workshop's per-step report as CSV (the newest workshop by default)")
    .option("--db <file>", "SQLite file the workshop ran with", DEFAULT_DB)
    .option("--workshop <id>", "workshop id (or its first characters)")
    .option("--out <file>", "write to a file instead of standard output")
    .action((opts: { db: string; workshop?: string; out?: string }) => {
      const store = new Store(opts.db);
      try {
        const {
          workshop: w,
          csv,
          learners,
        } = workshopReportCsv(store, loadAllLabs().labs, opts.workshop);
        if (opts.out) writeFileSync(opts.out, csv);
        else process.stdout.write(csv);
        console.error(
          pc.dim(
            `workshop ${w.id.slice(0, 8)} "${w.name}", ${learners} learners${opts.out ? ` -> ${opts.out}` : ""}`,
          ),
        );
      } finally {
        store.close();
      }
    });
}
