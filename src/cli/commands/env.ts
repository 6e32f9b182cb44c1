// `archlab env up|ls|shell|down|reap`, `archlab check`, `archlab solve`: drive one environment.
import type { Command } from "commander";
import pc from "picocolors";
import { loadLabById } from "../../lab/catalog.ts";
import { CLI_OWNER } from "../../server/provisioner/owner.ts";
import { envSpecFromLab } from "../../server/provisioner/spec.ts";
import type { Env } from "../../server/provisioner/types.ts";
import { engineContext, envStep, parseDuration } from "../context.ts";
import { langOfLocale, parseLang } from "../lang.ts";
import type { Lang } from "../../i18n/ui.ts";

function printEnv(env: Env): void {
  console.log(
    `${pc.bold(env.id)}  lab ${env.labId}  expires ${new Date(env.expiresAt).toLocaleString()}`,
  );
  for (const host of env.hosts) {
    const ports = host.ports.map((p) => `${p.container} -> 127.0.0.1:${p.hostPort}`).join(", ");
    const shell = host.terminal ? "" : pc.dim(" (no shell)");
    console.log(`  ${host.name.padEnd(14)} ${host.state.padEnd(9)} ${ports}${shell}`);
  }
}

async function attachShell(envId: string, hostName: string | undefined): Promise<number> {
  const ctx = await engineContext();
  const env = await ctx.provisioner.get(envId);
  const host = hostName ?? loadLabById(env.labId).lab.workstation;
  const size = { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
  const shell = await ctx.provisioner.openShell(envId, host, size);
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.pipe(shell.stream);
  shell.stream.pipe(process.stdout);
  const onResize = () =>
    void shell
      .resize({ cols: process.stdout.columns, rows: process.stdout.rows })
      .catch(() => undefined);
  process.stdout.on("resize", onResize);
  const code = await shell.exited;
  process.stdout.off("resize", onResize);
  stdin.unpipe(shell.stream);
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  return code;
}

export function registerEnv(program: Command): void {
  const env = program.command("env").description("start, list, enter and remove lab environments");
  env
    .command("up")
    .description("start a fresh environment for a lab; prints its id and hosts")
    .argument("<lab>", "lab id (a folder of labs/)")
    .option("--ttl <duration>", "remove it automatically after this long (e.g. 30m, 4h)", "4h")
    .option("--learner <name>", "who it is for (a label)", "cli")
    .action(async (labId: string, opts: { ttl: string; learner: string }) => {
      const ttlMs = parseDuration(opts.ttl);
      const lab = loadLabById(labId);
      const ctx = await engineContext();
      await ctx.provisioner.reap();
      const t0 = Date.now();
      const created = await ctx.provisioner.create(
        envSpecFromLab(lab.lab, { learner: opts.learner, owner: CLI_OWNER, ttlMs }),
        (e) =>
          console.error(
            pc.dim(`  ${e.host.padEnd(16)} ${e.phase}${e.detail ? `: ${e.detail}` : ""}`),
          ),
      );
      console.error(pc.green(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`));
      printEnv(created);
      console.log(
        `\nnext: archlab env shell ${created.id}    archlab check ${created.id} ${lab.steps[0]?.id}`,
      );
    });
  env
    .command("ls")
    .description("list environments")
    .action(async () => {
      const ctx = await engineContext();
      const envs = await ctx.provisioner.list();
      if (envs.length === 0) console.log("no environments (start one with `archlab env up LAB`)");
      envs.forEach(printEnv);
    });
  env
    .command("shell")
    .description("open an interactive shell in a host (default: the lab's workstation)")
    .argument("<env>", "environment id")
    .argument("[host]", "host name")
    .action(async (envId: string, host: string | undefined) => {
      process.exitCode = await attachShell(envId, host);
    });
  env
    .command("down")
    .description("remove environments: containers, networks and volumes")
    .argument("<env...>", "environment ids")
    .action(async (ids: string[]) => {
      const ctx = await engineContext();
      for (const id of ids) {
        await ctx.provisioner.get(id);
        await ctx.provisioner.destroy(id);
        console.log(`removed ${id}`);
      }
    });
  env
    .command("reap")
    .description("remove expired, orphaned and half-created environments")
    .action(async () => {
      const ctx = await engineContext();
      const removed = await ctx.provisioner.reap();
      for (const r of removed) console.log(`removed ${r.envId}: ${r.reason}`);
      console.log(`${removed.length} stray environments removed`);
    });

  program
    .command("check")
    .description("run a step's check in an environment; exits 0 when it passes")
    .argument("<env>", "environment id")
    .argument("<step>", "step id")
    .option("-v, --verbose", "also print the check's full output")
    .option(
      "--lang <lang>",
      "language of the check's message: zh or en (default: from LC_ALL/LC_MESSAGES/LANG)",
      parseLang,
    )
    .action(async (envId: string, stepId: string, opts: { verbose?: boolean; lang?: Lang }) => {
      const ctx = await engineContext();
      const { step } = await envStep(ctx, envId, stepId);
      const lang = opts.lang ?? langOfLocale(process.env);
      const result = await ctx.grader.check(envId, step.check, lang);
      console.log(
        result.passed
          ? pc.green(`✔ ${step.id}: ${result.message}`)
          : pc.red(`✘ ${step.id}: ${result.message}`),
      );
      if (result.expected !== undefined) console.log(`  expected: ${result.expected}`);
      if (result.actual !== undefined) console.log(`  actual:   ${result.actual}`);
      if (opts.verbose && result.details) console.log(pc.dim(result.details));
      process.exitCode = result.passed ? 0 : 1;
    });
  program
    .command("solve")
    .description("run a step's solution in an environment (what a correct learner would type)")
    .argument("<env>", "environment id")
    .argument("<step>", "step id")
    .action(async (envId: string, stepId: string) => {
      const ctx = await engineContext();
      const { step } = await envStep(ctx, envId, stepId);
      const result = await ctx.grader.run(envId, step.solve);
      process.stdout.write(result.stdout);
      console.log(pc.green(`solved ${step.id}`));
    });
}
