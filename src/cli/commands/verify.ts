// `archlab verify [lab...]`: proves every step of every lab on the real engine.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import pc from "picocolors";
import { labIds, loadLabById } from "../../lab/catalog.ts";
import { toJUnit } from "../../verify/junit.ts";
import { summarize, summaryLine, verifyLab, type VerifyCase } from "../../verify/verify.ts";
import { engineContext } from "../context.ts";

function printCase(c: VerifyCase): void {
  const mark = {
    passed: pc.green("✔"),
    failed: pc.red("✘"),
    skipped: pc.yellow("○"),
    ungraded: pc.dim("·"),
  }[c.status];
  const secs = pc.dim(`${(c.durationMs / 1000).toFixed(1)} s`);
  console.log(`${mark} ${c.lab} › ${c.step} › ${c.name} ${secs}`);
  if (c.message && c.status !== "passed")
    console.log(pc.dim(`    ${c.message.split("\n").join("\n    ")}`));
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description(
      "prove labs end to end: per step the check fails before, rejects every wrong fixture, passes after the solve",
    )
    .argument("[labs...]", "lab ids (default: all)")
    .option("--junit <file>", "also write JUnit XML")
    .option("--json", "print the results as JSON instead of lines")
    .action(async (ids: string[], opts: { junit?: string; json?: boolean }) => {
      const labs = (ids.length > 0 ? ids : labIds()).map((id) => loadLabById(id));
      const ctx = await engineContext();
      await ctx.provisioner.reap();
      const cases: VerifyCase[] = [];
      for (const lab of labs) {
        if (!opts.json) console.log(pc.bold(`\n${lab.lab.id}`));
        cases.push(
          ...(await verifyLab(lab, {
            provisioner: ctx.provisioner,
            grader: ctx.grader,
            onCase: opts.json ? undefined : printCase,
          })),
        );
      }
      if (opts.junit) writeFileSync(opts.junit, toJUnit(cases));
      if (opts.json) {
        // stdout stays pure JSON; the human closing line goes to stderr.
        console.log(JSON.stringify({ cases, ...summarize(cases) }, null, 2));
        console.error(summaryLine(cases));
      } else {
        console.log(`\n${summaryLine(cases)}`);
      }
      process.exitCode = summarize(cases).failed > 0 ? 1 : 0;
    });
}
