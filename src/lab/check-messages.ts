// Finds check-script messages that exist in English only: a `fail`, `pass`, `msg` or `expect_eq`
// call (the check-script library, labs/lib/check.sh) with no Chinese text, which a Chinese page
// would show in English. `archlab lint` reports them as warnings.
import path from "node:path";
import type { LabProblem, LoadedLab } from "./loader.ts";

const CALL = /(?:^|[\s;&|({])(fail|pass|msg|expect_eq)(?=\s|$)/g;
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** Logical lines of a shell script (backslash continuations joined), with their first line. */
function logicalLines(source: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let start = 0;
  let text = "";
  source.split("\n").forEach((raw, i) => {
    if (text === "") start = i + 1;
    if (raw.endsWith("\\")) {
      text += raw.slice(0, -1) + " ";
      return;
    }
    out.push({ line: start, text: text + raw });
    text = "";
  });
  if (text) out.push({ line: start, text });
  return out;
}

/**
 * The text of a command's arguments: up to the first `;`, `&`, `|` or `)` that stands outside
 * quotes and outside `$(...)` (the end of the command).
 */
function argumentsOf(rest: string): string {
  let quote: '"' | "'" | undefined;
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === "\\") {
      i++;
    } else if (c === "$" && rest[i + 1] === "(") {
      depth++;
      i++;
    } else if (quote === '"') {
      if (c === '"' && depth === 0) quote = undefined;
      else if (c === ")" && depth > 0) depth--;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "(") {
      depth++;
    } else if (c === ")" && depth > 0) {
      depth--;
    } else if (depth === 0 && (c === ";" || c === "&" || c === "|" || c === ")")) {
      return rest.slice(0, i);
    }
  }
  return rest;
}

/** The calls in one check script whose message has no Chinese: [line, helper] pairs. */
export function englishOnlyCalls(source: string): { line: number; helper: string }[] {
  const found: { line: number; helper: string }[] = [];
  for (const { line, text } of logicalLines(source)) {
    if (/^\s*#/.test(text)) continue;
    for (const m of text.matchAll(CALL)) {
      const helper = m[1] as string;
      const rest = text.slice((m.index ?? 0) + m[0].length);
      if (/^\s*\(\)/.test(rest)) continue; // a function definition
      const args = argumentsOf(rest).trim();
      if (helper === "pass" && args === "") continue; // a silent pass
      // A helper passing on its caller's two texts ("$2" "$3"): the caller's call is the one
      // that has (or lacks) the Chinese, and it is linted where it is written.
      if (/^"\$\{?\d+\}?"\s+"\$\{?\d+\}?"/.test(args)) continue;
      if (!CJK.test(args)) found.push({ line, helper });
    }
  }
  return found;
}

/** Warnings for every check of `lab` with an English-only message. */
export function lintCheckMessages(lab: LoadedLab): LabProblem[] {
  const problems: LabProblem[] = [];
  for (const step of lab.steps) {
    const fromFile = !step.check.origin.startsWith("steps[");
    const file = fromFile
      ? path.relative(process.cwd(), path.join(lab.dir, step.check.origin))
      : path.relative(process.cwd(), lab.file);
    for (const call of englishOnlyCalls(step.check.source)) {
      problems.push({
        file,
        line: fromFile ? call.line : 1,
        col: 1,
        field: fromFile ? `${step.id} check` : `${step.check.origin} line ${call.line}`,
        message: `\`${call.helper}\` has an English message only: add the Chinese one as the second argument (${call.helper} "English" "中文")`,
      });
    }
  }
  return problems;
}
