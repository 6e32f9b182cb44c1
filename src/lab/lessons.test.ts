import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseLab } from "./loader.ts";
import { lintLessons } from "./lessons.ts";

const labDir = mkdtempSync(path.join(tmpdir(), "archlab-lessons-"));
mkdirSync(path.join(labDir, "demo"));
const lab = parseLab(
  `format: 1
id: demo
title: Demo
hosts: { ws: { image: workstation }, db: { image: workstation }, hidden: { image: workstation, terminal: false } }
workstation: ws
tabs: [db]
steps:
  - { id: one, title: One, check: "true", solve: "true", wrong: [{ name: w, script: "true" }] }
  - { id: two, title: Two, check: "true", solve: "true", wrong: [{ name: w, script: "true" }] }
`,
  path.join(labDir, "demo", "lab.yaml"),
);

function lessons(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "archlab-lessons-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const fm = (extra = "lab: demo") =>
  `---\ntitle: T\nsummary: S\norder: 1\nduration: 5\n${extra}\n---\n`;

let tmp = "";
const dir = (body: string) => (tmp = lessons({ "zh/01-a.mdx": `${fm()}${body}` }));

describe("lintLessons", () => {
  it("accepts lessons that teach every step", () => {
    const dir = lessons({
      "zh/01-a.mdx": `${fm()}<Step id="one">x</Step>\n<Step id="two">y</Step>\n`,
    });
    expect(lintLessons(dir, [lab], dir)).toEqual([]);
  });

  it("names the line of a step the lab does not have, with a suggestion", () => {
    const dir = lessons({
      "zh/01-a.mdx": `${fm()}intro\n\n<Step id="tow">x</Step>\n<Step id="one">y</Step>\n`,
    });
    const problems = lintLessons(dir, [lab], dir);
    const bad = problems.find((p) => p.field === "Step");
    expect(bad).toMatchObject({ file: "zh/01-a.mdx", line: 10 });
    expect(bad?.message).toContain('did you mean "two"');
    expect(problems.some((p) => p.message.includes("steps taught by no zh lesson: two"))).toBe(
      true,
    );
  });

  it("accepts a code block run on one of the lab's terminals and names one that is not", () => {
    const body =
      '<Step id="one">\n\n```bash host=db\nls\n```\n\n```bash host=hiddn\nls\n```\n</Step>\n<Step id="two">y</Step>\n';
    const problems = lintLessons(dir(body), [lab], tmp);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "zh/01-a.mdx", line: 14, field: "host" });
    expect(problems[0]?.message).toBe('lab demo has no terminal "hiddn"; its terminals: ws, db');
  });

  it("reports broken frontmatter with its line and an unknown lab", () => {
    const dir = lessons({
      "zh/01-a.mdx": "---\ntitle: T\nsummary: a: b\norder: 1\nduration: 5\n---\n",
      "en/01-a.mdx": `${fm("lab: dmeo")}`,
    });
    const problems = lintLessons(dir, [lab], dir);
    expect(problems.find((p) => p.file === "zh/01-a.mdx")).toMatchObject({ line: 3 });
    expect(problems.find((p) => p.field === "lab")?.message).toContain('did you mean "demo"');
  });
});

describe("the project's own lessons", () => {
  it("teach every step of every lab, in both languages, with valid frontmatter", async () => {
    const { loadAllLabs, PROJECT_ROOT } = await import("./catalog.ts");
    const { labs, problems } = loadAllLabs();
    expect(problems).toEqual([]);
    const lessonProblems = lintLessons(path.join(PROJECT_ROOT, "lessons"), labs, PROJECT_ROOT);
    expect(lessonProblems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([]);
  });
});
