// What the format allows imported labs (`imported:`) and still demands of native ones, and the
// cluster's node names (Killercoda's node01).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clusterHosts, nodeNames } from "./cluster.ts";
import { LabError, parseLab } from "./loader.ts";
import { ClusterSchema } from "./schema.ts";

const file = path.join("/tmp", "mylab", "lab.yaml");

function lab(steps: string, imported = true): string {
  return [
    "format: 1",
    "id: mylab",
    "title: My lab",
    ...(imported ? ["imported: { format: killercoda, source: /src/x, lang: en }"] : []),
    "hosts:",
    "  host01: { image: workstation }",
    "workstation: host01",
    "steps:",
    steps,
    "",
  ].join("\n");
}

function problems(text: string): string[] {
  try {
    parseLab(text, file);
  } catch (err) {
    return (err as LabError).problems.map((p) => `${p.line} ${p.field}: ${p.message}`);
  }
  return [];
}

describe("imported labs", () => {
  it("may have ungraded steps and steps without solve or fixtures", () => {
    const loaded = parseLab(
      lab(
        [
          "  - { id: read, title: Read, ungraded: true, solve: 'echo hi' }",
          "  - { id: graded, title: Graded, check: 'test -f /x' }",
        ].join("\n"),
      ),
      file,
    );
    const [read, graded] = loaded.steps;
    expect(read?.ungraded).toBe(true);
    expect(read?.noSolve).toBe(false);
    expect(graded?.ungraded).toBe(false);
    expect(graded?.noSolve).toBe(true);
    expect(graded?.wrong).toEqual([]);
  });

  it("still need a check on a graded step", () => {
    expect(problems(lab("  - { id: graded, title: Graded }"))).toEqual([
      expect.stringMatching(/steps\.0\.check: missing: add `check:`/),
    ]);
  });
});

describe("native labs", () => {
  it("need check, solve and a wrong-solution fixture, and no ungraded step", () => {
    const found = problems(
      lab(
        ["  - id: one", "    title: One", "  - { id: two, title: Two, ungraded: true }"].join("\n"),
        false,
      ),
    );
    expect(found.join("\n")).toMatch(/check.*missing: add `check:`/);
    expect(found.join("\n")).toMatch(/solve.*missing: add `solve:`/);
    expect(found.join("\n")).toMatch(/wrong.*at least one wrong-solution fixture/);
    expect(found.join("\n")).toMatch(/ungraded.*only imported labs/);
    // The problems name the step's line.
    expect(found[0]).toMatch(/^8 /);
  });
});

describe("cluster node names", () => {
  it("default to node1..nodeN and may be given (node01)", () => {
    expect(nodeNames(ClusterSchema.parse({ nodes: 2 }))).toEqual(["node1", "node2"]);
    const named = ClusterSchema.parse({ nodes: 1, nodeNames: ["node01"] });
    expect(nodeNames(named)).toEqual(["node01"]);
    expect(Object.keys(clusterHosts(named, "lab"))).toEqual(["cp", "node01"]);
    expect(clusterHosts(named, "lab")["node01"]?.env["KUBE_NODES"]).toBe("node01");
  });
  it("must name every node", () => {
    const text = lab("  - { id: s, title: S, check: 'true' }").replace(
      "hosts:",
      "cluster: { nodes: 2, nodeNames: [node01] }\nhosts:",
    );
    expect(problems(text).join("\n")).toMatch(/nodeNames: name each of the 2 nodes once/);
  });
});
