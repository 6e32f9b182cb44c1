// Grades a step: runs its check in the named host with a time limit and turns the outcome
// into {passed, message, expected?, actual?} for the learner. Every check runs behind the
// check-script library (labs/lib/check.sh) and a line naming the learner's language: this is
// the one place that happens, so the CLI, the lab API, workshops and verify all get it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_PATHS } from "../../lab/catalog.ts";
import type { Script } from "../../lab/loader.ts";
import type { Lang } from "../../i18n/ui.ts";
import type { ExecResult, Provisioner } from "../provisioner/types.ts";

/** The check-script library every check runs behind (`fail`, `msg`, `expect_eq`, ...). */
export const CHECK_LIBRARY_FILE = path.join(DEFAULT_PATHS.labsDir, "lib/check.sh");

/** What the grader feeds to `bash -s`: the language, the library, then the check itself. */
export function checkProgram(library: string, check: string, lang: Lang): string {
  return `ARCHLAB_LANG=${lang}\n${library.trimEnd()}\n${check}`;
}

export interface CheckResult {
  passed: boolean;
  message: string;
  expected?: string;
  actual?: string;
  /** Full output of the check, for logs and `archlab check --verbose`. */
  details: string;
  durationMs: number;
}

const MAX_MESSAGE_LINES = 12;

/** Reads a check's output: `expected:` / `actual:` lines apart, the rest is the message. */
export function interpretCheck(result: ExecResult, timeoutMs: number): CheckResult {
  const details = [result.stdout, result.stderr]
    .filter((s) => s.trim())
    .join("\n")
    .trim();
  const base = { details, durationMs: result.durationMs };
  if (result.timedOut) {
    return { ...base, passed: false, message: `timed out after ${Math.round(timeoutMs / 1000)} s` };
  }
  let expected: string | undefined;
  let actual: string | undefined;
  const lines: string[] = [];
  for (const line of result.stdout.split("\n")) {
    const m = /^\s*(expected|actual):\s?(.*)$/i.exec(line);
    if (m && (m[1] as string).toLowerCase() === "expected") expected = m[2];
    else if (m) actual = m[2];
    else if (line.trim()) lines.push(line.trimEnd());
  }
  const passed = result.exitCode === 0;
  let message = lines.slice(-MAX_MESSAGE_LINES).join("\n");
  if (!message) {
    message = passed
      ? "passed"
      : result.stderr.trim().split("\n").slice(-MAX_MESSAGE_LINES).join("\n") ||
        `the check failed (exit code ${result.exitCode})`;
  }
  return {
    ...base,
    passed,
    message,
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
  };
}

export interface GraderOptions {
  /** The library's text (default: read from labs/lib/check.sh at every check, so edits count). */
  library?: string;
}

export class Grader {
  constructor(
    private readonly provisioner: Provisioner,
    private readonly options: GraderOptions = {},
  ) {}

  private library(): string {
    return this.options.library ?? readFileSync(CHECK_LIBRARY_FILE, "utf8");
  }

  /** Runs a step's check; its messages come in `lang` when the check has them (default en). */
  async check(envId: string, check: Script, lang: Lang = "en"): Promise<CheckResult> {
    const result = await this.provisioner.exec(
      envId,
      check.host,
      { script: checkProgram(this.library(), check.source, lang) },
      {
        timeoutMs: check.timeoutMs,
      },
    );
    return interpretCheck(result, check.timeoutMs);
  }

  /** Runs a setup/solve/fixture script; throws with its output when it fails. */
  async run(envId: string, script: Script): Promise<ExecResult> {
    const result = await this.provisioner.exec(
      envId,
      script.host,
      { script: script.source },
      {
        timeoutMs: script.timeoutMs,
      },
    );
    if (result.exitCode !== 0) {
      const why = result.timedOut
        ? `timed out after ${Math.round(script.timeoutMs / 1000)} s`
        : `exit code ${result.exitCode}`;
      const output = `${result.stdout}\n${result.stderr}`
        .trim()
        .split("\n")
        .slice(-10)
        .join("\n    ");
      throw new Error(
        `${script.origin} failed on ${script.host} (${why})${output ? `:\n    ${output}` : ""}`,
      );
    }
    return result;
  }
}
