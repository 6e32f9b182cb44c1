// Imported scenarios proven on the real engine: our Killercoda and Katacoda fixtures are imported
// into a temporary folder and `archlab verify`'s logic runs them — the intro's background and the
// assets at start, each step's background as its setup, its exec blocks as the solve, verify.sh
// as the check (fails before, passes after), and the reading step counted as ungraded.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { imageNames, PROJECT_ROOT } from "../../src/lab/catalog.ts";
import { loadLab } from "../../src/lab/loader.ts";
import { importKillercoda } from "../../src/import/killercoda.ts";
import { Grader } from "../../src/server/grader/grader.ts";
import { summaryLine, verifyLab, type VerifyCase } from "../../src/verify/verify.ts";
import { engine } from "./helpers.ts";

const FIXTURES = path.join(PROJECT_ROOT, "tests", "fixtures", "killercoda");
const out = mkdtempSync(path.join(tmpdir(), "archlab-import-it-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function importAndVerify(fixture: string): Promise<VerifyCase[]> {
  const [r] = importKillercoda([path.join(FIXTURES, fixture)], {
    labsDir: path.join(out, "labs"),
    lessonsDir: path.join(out, "lessons"),
    lang: "en",
    imageNames: imageNames(),
  });
  const loaded = loadLab(path.join(r?.labDir as string, "lab.yaml"));
  const { provisioner } = engine();
  const cases = await verifyLab(loaded, { provisioner, grader: new Grader(provisioner) });
  console.log(
    `${fixture}: ${summaryLine(cases)}\n` +
      cases.map((c) => `  ${c.status} ${c.step} ${c.name} ${c.message ?? ""}`).join("\n"),
  );
  return cases;
}

const row = (c: VerifyCase) => `${c.step}: ${c.name}: ${c.status}`;

describe("imported scenarios verify on the real engine", () => {
  it("the Killercoda fixture: two graded steps pass, the reading step is ungraded", async () => {
    const cases = await importAndVerify("killercoda-example");
    expect(cases.map(row)).toEqual([
      "(lab): environment starts: passed",
      "step-1: check fails before the step is done: passed",
      "step-1: check passes after the solve: passed",
      "step-2: reading step (no check): ungraded",
      "step-3: check fails before the step is done: passed",
      "step-3: check passes after the solve: passed",
    ]);
    expect(summaryLine(cases)).toBe("5 passed, 0 failed, 0 skipped, 1 ungraded");
  });

  it("the old Katacoda fixture: both steps pass", async () => {
    const cases = await importAndVerify("katacoda-old");
    expect(cases.filter((c) => c.status !== "passed").map(row)).toEqual([]);
    expect(cases).toHaveLength(5);
  });
});
