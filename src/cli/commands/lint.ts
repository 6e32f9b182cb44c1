// `archlab lint` validates every lab; `archlab schema` writes the JSON Schema for editors.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import pc from "picocolors";
import path from "node:path";
import { loadAllLabs, PROJECT_ROOT } from "../../lab/catalog.ts";
import { lintCheckMessages } from "../../lab/check-messages.ts";
import { lintLessons } from "../../lab/lessons.ts";
import { formatProblem } from "../../lab/loader.ts";
import { labJsonSchema } from "../../lab/schema.ts";

export function schemaText(): string {
  return JSON.stringify(labJsonSchema(), null, 2) + "\n";
}

export function registerLint(program: Command): void {
  program
    .command("lint")
    .description(
      "validate every labs/*/lab.yaml and the lessons that teach them (file:line, field and fix for each problem)",
    )
    .action(() => {
      const { labs, problems } = loadAllLabs();
      problems.push(...lintLessons(path.join(PROJECT_ROOT, "lessons"), labs));
      for (const p of problems) console.error(pc.red(formatProblem(p)));
      // Warnings: check messages a Chinese page would show in English.
      const warnings = labs.flatMap(lintCheckMessages);
      for (const w of warnings) console.error(pc.yellow(`${formatProblem(w)} (warning)`));
      console.log(
        `${labs.length} labs, ${problems.length} problems` +
          (warnings.length > 0 ? `, ${warnings.length} warnings` : ""),
      );
      process.exitCode = problems.length > 0 ? 1 : 0;
    });
  program
    .command("schema")
    .description("print (or write) the JSON Schema of lab.yaml")
    .option("--out <file>", "write it to a file")
    .action((opts: { out?: string }) => {
      if (opts.out) writeFileSync(opts.out, schemaText());
      else process.stdout.write(schemaText());
    });
}
