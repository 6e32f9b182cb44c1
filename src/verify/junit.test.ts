import { describe, expect, it } from "vitest";
import { toJUnit } from "./junit.ts";
import { summarize, summaryLine, type VerifyCase } from "./verify.ts";

const cases: VerifyCase[] = [
  { lab: "redis", step: "(lab)", name: "environment starts", status: "passed", durationMs: 1500 },
  {
    lab: "redis",
    step: "make-replicas",
    name: "check fails before",
    status: "passed",
    durationMs: 250,
  },
  {
    lab: "redis",
    step: "make-replicas",
    name: 'check rejects wrong solution: a <b> & "c"',
    status: "failed",
    message: 'accepted <wrong> & "bad"\u001b[31m red\u0007',
    durationMs: 250,
  },
  {
    lab: "k8s",
    step: "(lab)",
    name: "environment",
    status: "skipped",
    message: "this machine lacks kind",
    durationMs: 0,
  },
];

function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

describe("toJUnit", () => {
  const xml = toJUnit(cases);
  const suites = [...xml.matchAll(/<testsuite [^>]*>/g)].map((m) => attributes(m[0]));

  it("is an XML document with one testsuite per lab, in first-seen order", () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')).toBe(true);
    expect(xml.endsWith("</testsuites>\n")).toBe(true);
    expect(suites.map((s) => s["name"])).toEqual(["redis", "k8s"]);
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(2);
  });

  it("counts tests, failures and skipped per lab, and the time in seconds", () => {
    expect(suites[0]).toMatchObject({ tests: "3", failures: "1", skipped: "0", time: "2.000" });
    expect(suites[1]).toMatchObject({ tests: "1", failures: "0", skipped: "1", time: "0.000" });
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml.match(/<skipped /g)).toHaveLength(1);
  });

  it("names each case lab.step and puts the failure message in it", () => {
    expect(xml).toContain(
      '<testcase classname="redis.(lab)" name="environment starts" time="1.500"/>',
    );
    expect(xml).toContain('<skipped message="this machine lacks kind"/>');
  });

  it('escapes <, >, & and " and strips control characters', () => {
    const escapedName = "check rejects wrong solution: a &lt;b&gt; &amp; &quot;c&quot;";
    const escapedMessage = "accepted &lt;wrong&gt; &amp; &quot;bad&quot;[31m red";
    expect(xml).toContain(`name="${escapedName}"`);
    expect(xml).toContain(`<failure message="${escapedMessage}">${escapedMessage}</failure>`);
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).not.toContain("<wrong>");
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
  });

  it("keeps tabs and newlines, which XML allows", () => {
    const out = toJUnit([
      { lab: "l", step: "s", name: "n", status: "failed", message: "a\tb\nc", durationMs: 1 },
    ]);
    expect(out).toContain(">a\tb\nc</failure>");
  });

  it("writes an empty testsuites element when there are no cases", () => {
    expect(toJUnit([])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n\n</testsuites>\n',
    );
  });
});

describe("summaryLine", () => {
  it("counts passed, failed and skipped cases", () => {
    const four: VerifyCase[] = [
      { lab: "a", step: "s", name: "1", status: "passed", durationMs: 0 },
      { lab: "a", step: "s", name: "2", status: "passed", durationMs: 0 },
      { lab: "a", step: "s", name: "3", status: "failed", durationMs: 0 },
      { lab: "b", step: "s", name: "4", status: "skipped", durationMs: 0 },
    ];
    expect(summaryLine(four)).toBe("2 passed, 1 failed, 1 skipped");
    expect(summarize(four)).toEqual({ passed: 2, failed: 1, skipped: 1, ungraded: 0 });
    expect(summaryLine([])).toBe("0 passed, 0 failed, 0 skipped");
  });
  it("counts an imported reading step as ungraded, never passed (JUnit: skipped)", () => {
    const cases: VerifyCase[] = [
      { lab: "a", step: "s", name: "1", status: "passed", durationMs: 0 },
      { lab: "a", step: "r", name: "2", status: "ungraded", durationMs: 0, message: "reading" },
    ];
    expect(summaryLine(cases)).toBe("1 passed, 0 failed, 0 skipped, 1 ungraded");
    expect(toJUnit(cases)).toContain('skipped="1"');
    expect(toJUnit(cases)).toContain('<skipped message="reading"/>');
  });
});
