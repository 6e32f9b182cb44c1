// JUnit XML for `archlab verify --junit`: one test suite per lab, one test case per check.
import type { VerifyCase } from "./verify.ts";

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      // Characters XML 1.0 cannot carry (terminal escapes in check output).
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
  );
}

export function toJUnit(cases: VerifyCase[]): string {
  const labs = [...new Set(cases.map((c) => c.lab))];
  const suites = labs.map((lab) => {
    const mine = cases.filter((c) => c.lab === lab);
    const failures = mine.filter((c) => c.status === "failed").length;
    // An ungraded reading step is reported as skipped (JUnit has no other word for it).
    const skipped = mine.filter((c) => c.status === "skipped" || c.status === "ungraded").length;
    const time = mine.reduce((t, c) => t + c.durationMs, 0) / 1000;
    const testcases = mine.map((c) => {
      const attrs = `classname="${escapeXml(`${lab}.${c.step}`)}" name="${escapeXml(c.name)}" time="${(c.durationMs / 1000).toFixed(3)}"`;
      const message = escapeXml(c.message ?? "");
      if (c.status === "failed")
        return `    <testcase ${attrs}><failure message="${message}">${message}</failure></testcase>`;
      if (c.status === "skipped" || c.status === "ungraded")
        return `    <testcase ${attrs}><skipped message="${message}"/></testcase>`;
      return `    <testcase ${attrs}/>`;
    });
    return [
      `  <testsuite name="${escapeXml(lab)}" tests="${mine.length}" failures="${failures}" skipped="${skipped}" time="${time.toFixed(3)}">`,
      ...testcases,
      "  </testsuite>",
    ].join("\n");
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join("\n")}\n</testsuites>\n`;
}
