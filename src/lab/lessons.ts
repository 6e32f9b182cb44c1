// The lesson <-> lab link check: every lesson's frontmatter is valid, every <Step id> a lesson
// uses exists in its lab, and every step of every lab is taught by a lesson in each language.
// Problems are reported like lab problems: file:line, field, what to do.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { LabProblem, LoadedLab } from "./loader.ts";
import { closest } from "./suggest.ts";
import { terminalTabs } from "./tabs.ts";

export const LESSON_LANGS = ["zh", "en"] as const;

export interface LessonRef {
  file: string;
  lang: string;
  lab?: string;
  steps: { id: string; line: number }[];
  /** Code blocks that name the terminal they run in (```bash host=NAME). */
  codeHosts: { host: string; line: number }[];
}

const STEP_RE = /<Step\s+id=["']([^"']+)["']/g;
const CODE_HOST_RE = /^```\w*[^\n]*?\shost=(\S+)/gm;

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** Reads one lesson: its frontmatter problems and the steps it references. */
export function readLesson(
  file: string,
  shown: string,
  labIds: string[],
): { ref: LessonRef; problems: LabProblem[] } {
  const text = readFileSync(file, "utf8");
  const lang = path.basename(path.dirname(file));
  const problems: LabProblem[] = [];
  const problem = (line: number, field: string, message: string) =>
    problems.push({ file: shown, line, col: 1, field, message });
  const ref: LessonRef = { file: shown, lang, steps: [], codeHosts: [] };
  const fm = /^---\n([\s\S]*?)\n---/.exec(text);
  if (!fm) {
    problem(1, "", "no frontmatter: start the file with --- title/summary/order/duration --- ");
    return { ref, problems };
  }
  const counter = new LineCounter();
  const doc = parseDocument(fm[1] as string, { lineCounter: counter });
  for (const e of doc.errors) {
    problem(
      counter.linePos(e.pos[0]).line + 1,
      "",
      `frontmatter YAML: ${e.message.split("\n")[0]} (quote values that contain ": ")`,
    );
  }
  if (doc.errors.length === 0) {
    const data = (doc.toJS() ?? {}) as Record<string, unknown>;
    for (const key of ["title", "summary"]) {
      if (typeof data[key] !== "string" || !(data[key] as string).trim())
        problem(1, key, `missing: add \`${key}:\``);
    }
    for (const key of ["order", "duration"]) {
      if (!Number.isInteger(data[key]))
        problem(1, key, `missing or not a whole number: add \`${key}: N\``);
    }
    if (data.lab !== undefined) {
      const lab = String(data.lab);
      if (!labIds.includes(lab)) {
        const guess = closest(lab, labIds);
        problem(
          1,
          "lab",
          `no lab "${lab}"${guess ? `; did you mean "${guess}"?` : `; labs: ${labIds.join(", ")}`}`,
        );
      } else ref.lab = lab;
    }
  }
  if (!(LESSON_LANGS as readonly string[]).includes(lang))
    problem(1, "", `lessons live in lessons/zh/ or lessons/en/, not ${lang}/`);
  for (const m of text.matchAll(STEP_RE))
    ref.steps.push({ id: m[1] as string, line: lineAt(text, m.index ?? 0) });
  for (const m of text.matchAll(CODE_HOST_RE))
    ref.codeHosts.push({ host: m[1] as string, line: lineAt(text, m.index ?? 0) });
  return { ref, problems };
}

export function lessonFiles(lessonsDir: string): string[] {
  if (!existsSync(lessonsDir)) return [];
  return readdirSync(lessonsDir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".mdx"))
    .sort()
    .map((f) => path.join(lessonsDir, f));
}

/** All problems of the lessons in `lessonsDir` against `labs`. */
export function lintLessons(
  lessonsDir: string,
  labs: LoadedLab[],
  showFrom = process.cwd(),
): LabProblem[] {
  const labIds = labs.map((l) => l.lab.id);
  const problems: LabProblem[] = [];
  const refs: LessonRef[] = [];
  for (const file of lessonFiles(lessonsDir)) {
    const { ref, problems: own } = readLesson(file, path.relative(showFrom, file) || file, labIds);
    problems.push(...own);
    refs.push(ref);
    const lab = labs.find((l) => l.lab.id === ref.lab);
    for (const step of ref.steps) {
      if (!ref.lab) {
        problems.push({
          file: ref.file,
          line: step.line,
          col: 1,
          field: "Step",
          message: `<Step id="${step.id}"> in a lesson without \`lab:\` in its frontmatter`,
        });
      } else if (lab && !lab.steps.some((s) => s.id === step.id)) {
        const known = lab.steps.map((s) => s.id);
        const guess = closest(step.id, known);
        problems.push({
          file: ref.file,
          line: step.line,
          col: 1,
          field: "Step",
          message: `lab ${ref.lab} has no step "${step.id}"${guess ? `; did you mean "${guess}"?` : `; its steps: ${known.join(", ")}`}`,
        });
      }
    }
    // A block's host= must be one of the lab's terminals, or its Run button could only fail.
    const tabs = lab ? terminalTabs(lab) : [];
    for (const { host, line } of ref.codeHosts) {
      if (tabs.includes(host)) continue;
      const guess = closest(host, tabs);
      problems.push({
        file: ref.file,
        line,
        col: 1,
        field: "host",
        message: lab
          ? `lab ${lab.lab.id} has no terminal "${host}"${guess ? `; did you mean "${guess}"?` : ""}; its terminals: ${tabs.join(", ")}`
          : `a code block names host "${host}" in a lesson without \`lab:\` in its frontmatter`,
      });
    }
  }
  // Every step of every lab is taught, in every language that has lessons.
  const langs = [...new Set(refs.map((r) => r.lang))];
  for (const lab of labs) {
    for (const lang of langs) {
      const taught = new Set(
        refs
          .filter((r) => r.lang === lang && r.lab === lab.lab.id)
          .flatMap((r) => r.steps.map((s) => s.id)),
      );
      const missing = lab.steps.filter((s) => !taught.has(s.id)).map((s) => s.id);
      if (missing.length > 0) {
        problems.push({
          file: path.relative(showFrom, lab.file) || lab.file,
          line: 1,
          col: 1,
          field: `lessons/${lang}`,
          message: `steps taught by no ${lang} lesson: ${missing.join(", ")} (add <Step id="..."> to the lesson with \`lab: ${lab.lab.id}\`)`,
        });
      }
    }
  }
  return problems;
}

/** The page of the lesson that embeds each lab, per language: "docker-basics" -> {zh: "/zh/03-docker-basics/"}. */
export function lessonPagesByLab(
  lessonsDir: string,
  labIds: string[],
): Map<string, Record<string, string>> {
  const pages = new Map<string, Record<string, string>>();
  for (const file of lessonFiles(lessonsDir)) {
    const { ref } = readLesson(file, file, labIds);
    if (!ref.lab) continue;
    const byLang = pages.get(ref.lab) ?? {};
    byLang[ref.lang] = `/${ref.lang}/${path.basename(file, ".mdx")}/`;
    pages.set(ref.lab, byLang);
  }
  return pages;
}
