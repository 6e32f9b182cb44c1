import { describe, expect, it } from "vitest";
import type { ActivityRow } from "../storage/store.ts";
import type { LabOutline, StepStats } from "./stats.ts";
import { lastMilestones, median, statsCsv, stepStats } from "./stats.ts";

const S = 1000;

function ready(learnerId: string, labId: string, at: number): ActivityRow {
  return { learnerId, labId, kind: "ready", stepId: null, passed: null, message: null, at };
}

function check(
  learnerId: string,
  labId: string,
  stepId: string,
  passed: boolean,
  at: number,
): ActivityRow {
  return {
    learnerId,
    labId,
    kind: "check",
    stepId,
    passed,
    message: passed ? "ok" : "not yet",
    at,
  };
}

const labs: LabOutline[] = [
  {
    id: "alpha",
    title: "Alpha",
    steps: [
      { id: "one", title: "Step one" },
      { id: "two", title: "Step two" },
      { id: "three", title: "Step three" },
    ],
  },
  { id: "beta", title: "Beta", steps: [{ id: "one", title: "Beta one" }] },
];

function statOf(stats: StepStats[], labId: string, stepId: string): StepStats {
  const found = stats.find((s) => s.labId === labId && s.stepId === stepId);
  if (!found) throw new Error(`no stats for ${labId}/${stepId}`);
  return found;
}

describe("median", () => {
  it("is the middle value of an odd count, whatever the order", () => {
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([7, 3, 100, 1, 4])).toBe(4);
  });

  it("is the mean of the two middle values of an even count", () => {
    expect(median([1, 2])).toBe(1.5);
    expect(median([10, 40, 20, 30])).toBe(25);
  });

  it("sorts numerically, not as text", () => {
    expect(median([100, 9, 20])).toBe(20);
  });

  it("is null for no values and leaves its input alone", () => {
    expect(median([])).toBeNull();
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("stepStats", () => {
  it("lists every step of every lab in order, with zeros and a null median without data", () => {
    expect(stepStats(labs, [])).toEqual([
      {
        labId: "alpha",
        stepId: "one",
        title: "Step one",
        attempted: 0,
        failedChecks: 0,
        passed: 0,
        medianMsToPass: null,
      },
      {
        labId: "alpha",
        stepId: "two",
        title: "Step two",
        attempted: 0,
        failedChecks: 0,
        passed: 0,
        medianMsToPass: null,
      },
      {
        labId: "alpha",
        stepId: "three",
        title: "Step three",
        attempted: 0,
        failedChecks: 0,
        passed: 0,
        medianMsToPass: null,
      },
      {
        labId: "beta",
        stepId: "one",
        title: "Beta one",
        attempted: 0,
        failedChecks: 0,
        passed: 0,
        medianMsToPass: null,
      },
    ]);
  });

  it("counts distinct learners who attempted, every failed check, distinct learners who passed", () => {
    const activity = [
      ready("ann", "alpha", 0),
      ready("bob", "alpha", 0),
      ready("cy", "alpha", 0),
      check("ann", "alpha", "one", false, 10 * S),
      check("ann", "alpha", "one", false, 20 * S),
      check("ann", "alpha", "one", true, 30 * S),
      check("ann", "alpha", "one", true, 40 * S), // a second pass: still one learner
      check("bob", "alpha", "one", false, 15 * S),
      check("bob", "alpha", "one", false, 25 * S),
      check("bob", "alpha", "one", false, 35 * S),
      check("cy", "alpha", "one", true, 50 * S),
    ];
    const one = statOf(stepStats(labs, activity), "alpha", "one");
    expect(one.attempted).toBe(3);
    expect(one.failedChecks).toBe(5);
    expect(one.passed).toBe(2);
  });

  it("keeps labs apart even when step ids are the same", () => {
    const activity = [
      ready("ann", "alpha", 0),
      ready("ann", "beta", 0),
      check("ann", "alpha", "one", true, 60 * S),
      check("ann", "beta", "one", false, 70 * S),
    ];
    const stats = stepStats(labs, activity);
    expect(statOf(stats, "alpha", "one")).toMatchObject({
      attempted: 1,
      failedChecks: 0,
      passed: 1,
      medianMsToPass: 60 * S,
    });
    expect(statOf(stats, "beta", "one")).toMatchObject({
      attempted: 1,
      failedChecks: 1,
      passed: 0,
      medianMsToPass: null,
    });
  });

  it("ignores activity of labs and steps that are not in the outline", () => {
    const activity = [
      ready("ann", "gamma", 0),
      check("ann", "gamma", "one", true, S),
      check("ann", "alpha", "bonus", true, S),
    ];
    const stats = stepStats(labs, activity);
    expect(stats).toHaveLength(4);
    expect(stats.every((s) => s.attempted === 0 && s.passed === 0)).toBe(true);
  });

  it("times a pass from the environment becoming ready", () => {
    const activity = [
      ready("ann", "alpha", 100 * S),
      ready("bob", "alpha", 200 * S),
      ready("cy", "alpha", 300 * S),
      check("ann", "alpha", "one", false, 130 * S),
      check("ann", "alpha", "one", true, 160 * S), // 60 s
      check("bob", "alpha", "one", true, 290 * S), // 90 s
      check("cy", "alpha", "one", true, 330 * S), // 30 s
    ];
    expect(statOf(stepStats(labs, activity), "alpha", "one").medianMsToPass).toBe(60 * S);
  });

  it("times a pass from the learner's previous passed step, not from ready", () => {
    const activity = [
      ready("ann", "alpha", 0),
      check("ann", "alpha", "one", true, 100 * S), // one: 100 s
      check("ann", "alpha", "two", false, 150 * S), // a failure is no milestone
      check("ann", "alpha", "two", true, 160 * S), // two: 60 s
      check("ann", "alpha", "three", true, 400 * S), // three: 240 s
      ready("bob", "alpha", 50 * S),
      check("bob", "alpha", "one", true, 70 * S), // one: 20 s
      check("bob", "alpha", "two", true, 170 * S), // two: 100 s
    ];
    const stats = stepStats(
      labs,
      [...activity].sort((a, b) => a.at - b.at),
    );
    expect(statOf(stats, "alpha", "one").medianMsToPass).toBe(60 * S); // (100 + 20) / 2
    expect(statOf(stats, "alpha", "two").medianMsToPass).toBe(80 * S); // (60 + 100) / 2
    expect(statOf(stats, "alpha", "three").medianMsToPass).toBe(240 * S);
  });

  it("counts only the first pass toward time, and a repeated pass is no new milestone", () => {
    const activity = [
      ready("ann", "alpha", 0),
      check("ann", "alpha", "one", true, 10 * S), // one: 10 s
      check("ann", "alpha", "one", true, 500 * S), // re-check: ignored for time
      check("ann", "alpha", "two", true, 610 * S), // two: 600 s since the first pass of one
    ];
    const stats = stepStats(labs, activity);
    expect(statOf(stats, "alpha", "one")).toMatchObject({ passed: 1, medianMsToPass: 10 * S });
    expect(statOf(stats, "alpha", "two").medianMsToPass).toBe(600 * S);
  });

  it("restarts the clock when the environment becomes ready again (a reset)", () => {
    const activity = [
      ready("ann", "alpha", 0),
      check("ann", "alpha", "one", true, 10 * S),
      ready("ann", "alpha", 1000 * S),
      check("ann", "alpha", "two", true, 1045 * S),
    ];
    expect(statOf(stepStats(labs, activity), "alpha", "two").medianMsToPass).toBe(45 * S);
  });

  it("measures milestones per lab: another lab's pass does not move the clock", () => {
    const activity = [
      ready("ann", "alpha", 0),
      ready("ann", "beta", 0),
      check("ann", "beta", "one", true, 100 * S),
      check("ann", "alpha", "one", true, 150 * S),
    ];
    const stats = stepStats(labs, activity);
    expect(statOf(stats, "alpha", "one").medianMsToPass).toBe(150 * S);
    expect(statOf(stats, "beta", "one").medianMsToPass).toBe(100 * S);
  });

  it("counts a pass without a known start but gives it no time", () => {
    const activity = [check("ann", "alpha", "one", true, 100 * S)];
    const one = statOf(stepStats(labs, activity), "alpha", "one");
    expect(one).toMatchObject({ attempted: 1, passed: 1, medianMsToPass: null });
    // That pass is still a milestone for the next step.
    const next = stepStats(labs, [...activity, check("ann", "alpha", "two", true, 130 * S)]);
    expect(statOf(next, "alpha", "two").medianMsToPass).toBe(30 * S);
  });
});

describe("lastMilestones", () => {
  it("is each learner's latest ready or pass per lab; failures do not count", () => {
    const activity = [
      ready("ann", "alpha", 10),
      check("ann", "alpha", "one", true, 20),
      check("ann", "alpha", "two", false, 30),
      ready("ann", "beta", 15),
      ready("bob", "alpha", 5),
      check("bob", "alpha", "one", false, 40),
    ];
    const m = lastMilestones(activity);
    expect(m.get("ann\u0000alpha")).toBe(20);
    expect(m.get("ann\u0000beta")).toBe(15);
    expect(m.get("bob\u0000alpha")).toBe(5);
    expect(m.size).toBe(3);
  });

  it("is empty without activity", () => {
    expect(lastMilestones([]).size).toBe(0);
  });

  it("agrees with stepStats: re-checking a passed step does not restart the clock", () => {
    const activity = [
      ready("ann", "alpha", 0),
      check("ann", "alpha", "one", true, 10),
      check("ann", "alpha", "one", true, 500),
    ];
    expect(lastMilestones(activity).get("ann\u0000alpha")).toBe(10);
  });
});

describe("statsCsv", () => {
  const row = (over: Partial<StepStats>): StepStats => ({
    labId: "alpha",
    stepId: "one",
    title: "Step one",
    attempted: 3,
    failedChecks: 4,
    passed: 2,
    medianMsToPass: 61_000,
    ...over,
  });

  it("has the header and one CRLF-terminated line per step", () => {
    const csv = statsCsv([
      row({}),
      row({ stepId: "two", title: "Step two", medianMsToPass: null }),
    ]);
    expect(csv).toBe(
      "lab,step,title,attempted,failed_checks,passed,median_seconds_to_pass\r\n" +
        "alpha,one,Step one,3,4,2,61\r\n" +
        "alpha,two,Step two,3,4,2,\r\n",
    );
  });

  it("is just the header for no steps", () => {
    expect(statsCsv([])).toBe(
      "lab,step,title,attempted,failed_checks,passed,median_seconds_to_pass\r\n",
    );
  });

  it("quotes fields with commas, quotes or line breaks, doubling quotes", () => {
    const csv = statsCsv([
      row({ title: "Pull, then run" }),
      row({ title: 'Say "hello"' }),
      row({ title: "two\nlines" }),
      row({ title: "carriage\rreturn" }),
      row({ title: "plain 'single' quotes" }),
    ]);
    const lines = csv.split("\r\n");
    expect(lines[1]).toBe('alpha,one,"Pull, then run",3,4,2,61');
    expect(lines[2]).toBe('alpha,one,"Say ""hello""",3,4,2,61');
    expect(lines[3]).toBe('alpha,one,"two\nlines",3,4,2,61');
    expect(lines[4]).toBe('alpha,one,"carriage\rreturn",3,4,2,61');
    expect(lines[5]).toBe("alpha,one,plain 'single' quotes,3,4,2,61");
  });

  it("rounds the median to whole seconds", () => {
    const csv = statsCsv([
      row({ medianMsToPass: 1_499 }),
      row({ medianMsToPass: 1_500 }),
      row({ medianMsToPass: 89_999.5 }),
      row({ medianMsToPass: 0 }),
    ]);
    expect(csv.split("\r\n").map((l) => l.split(",").at(-1))).toEqual([
      "median_seconds_to_pass",
      "1",
      "2",
      "90",
      "0",
      "",
    ]);
  });
});
