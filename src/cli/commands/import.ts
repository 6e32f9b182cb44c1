// `archlab import killercoda DIR... [--out labs/] [--lessons lessons/] [--lang en]`: Killercoda
// and Katacoda scenarios (or course folders) become archlab labs and lessons (src/import/).
import path from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { DEFAULT_PATHS, imageNames, LESSONS_DIR } from "../../lab/catalog.ts";
import { ImportError, importKillercoda } from "../../import/killercoda.ts";

export function registerImport(program: Command): void {
  const imp = program.command("import").description("import labs written in other formats");
  imp
    .command("killercoda")
    .description(
      "turn Killercoda/Katacoda scenario folders (index.json) or course folders (structure.json) into labs and lessons; all or nothing",
    )
    .argument("<dirs...>", "scenario or course folders")
    .option("--out <dir>", "where the labs go", DEFAULT_PATHS.labsDir)
    .option("--lessons <dir>", "where the lessons go (zh/ and en/ inside)", LESSONS_DIR)
    .option("--lang <lang>", "the scenarios' language: en or zh", "en")
    .action((dirs: string[], opts: { out: string; lessons: string; lang: string }) => {
      if (opts.lang !== "en" && opts.lang !== "zh") {
        console.error(pc.red(`--lang ${opts.lang}: use en or zh`));
        process.exitCode = 2;
        return;
      }
      try {
        const results = importKillercoda(dirs, {
          labsDir: path.resolve(opts.out),
          lessonsDir: path.resolve(opts.lessons),
          lang: opts.lang,
          imageNames: imageNames(),
        });
        for (const r of results) {
          const graded = r.steps.filter((s) => s.graded).length;
          console.log(
            pc.green(`✔ ${r.labId}`) +
              ` (${r.format}): ${r.steps.length} steps, ${graded} graded, ${r.steps.length - graded} ungraded → ${path.relative(process.cwd(), r.labDir) || r.labDir}, ${r.lessonFiles.map((f) => path.relative(process.cwd(), f)).join(", ")}`,
          );
          for (const n of r.notes) {
            const where = `${path.relative(process.cwd(), n.file) || n.file}${n.line ? `:${n.line}` : ""}`;
            console.log(pc.yellow(`  not imported: ${where}: ${n.message}`));
          }
        }
      } catch (err) {
        if (!(err instanceof ImportError)) throw err;
        console.error(pc.red(`✘ ${err.message}`));
        console.error("nothing was imported");
        process.exitCode = 1;
      }
    });
}
