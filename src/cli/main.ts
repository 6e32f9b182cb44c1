// The `archlab` command line: one sub-command per job, each with --help.
import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { registerDoctor } from "./commands/doctor.ts";
import { registerEnv } from "./commands/env.ts";
import { registerImages } from "./commands/images.ts";
import { registerImport } from "./commands/import.ts";
import { registerLint } from "./commands/lint.ts";
import { registerServe } from "./commands/serve.ts";
import { registerSite } from "./commands/site.ts";
import { registerStart } from "./commands/start.ts";
import { registerVerify } from "./commands/verify.ts";
import { registerWorkshop } from "./commands/workshop.ts";

export async function main(argv: string[]): Promise<void> {
  const program = new Command("archlab")
    .description("archlab: hands-on labs on real containers, auto-graded")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  registerStart(program);
  registerLint(program);
  registerImages(program);
  registerEnv(program);
  registerVerify(program);
  registerImport(program);
  registerSite(program);
  registerServe(program);
  registerWorkshop(program);
  registerDoctor(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    console.error(pc.red(`archlab: ${(err as Error).message}`));
    if (process.env.ARCHLAB_DEBUG) console.error((err as Error).stack);
    process.exitCode = 1;
  }
}
