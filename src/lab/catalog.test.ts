import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_PATHS,
  imageNames,
  labIds,
  loadAllLabs,
  loadLabById,
  PROJECT_ROOT,
  UnknownLabError,
  type CatalogPaths,
} from "./catalog.ts";
import { formatProblem, LabError } from "./loader.ts";

describe("the project's labs", () => {
  const { labs, problems } = loadAllLabs();

  it("all load without a single problem", () => {
    expect(problems.map(formatProblem)).toEqual([]);
    expect(labs.length).toBe(labIds().length);
  });

  it("include docker-basics and redis-replication", () => {
    expect(labs.map((l) => l.lab.id)).toEqual(
      expect.arrayContaining(["docker-basics", "redis-replication"]),
    );
  });

  it("every step of every lab has at least one wrong-solution fixture (imported scenarios have none)", () => {
    const steps = labs
      .filter((l) => !l.lab.imported)
      .flatMap((l) => l.steps.map((s) => ({ lab: l.lab.id, step: s })));
    expect(steps.length).toBeGreaterThan(0);
    for (const { lab, step } of steps) {
      expect(step.wrong.length, `${lab} step ${step.id}`).toBeGreaterThanOrEqual(1);
      for (const w of step.wrong) expect(w.script.source.trim(), `${lab}/${step.id}`).not.toBe("");
    }
  });

  it("resolve check files into script text", () => {
    const redis = labs.find((l) => l.lab.id === "redis-replication");
    const check = redis?.steps.find((s) => s.id === "make-replicas")?.check;
    expect(check?.origin).toBe("checks/make-replicas.sh");
    expect(check?.host).toBe("grader");
    expect(check?.source.length).toBeGreaterThan(0);
  });

  it("only use images that exist in infra/images", () => {
    const known = imageNames();
    expect(known).toEqual(expect.arrayContaining(["dind", "redis", "workstation"]));
    for (const l of labs) {
      for (const host of Object.values(l.lab.hosts)) expect(known).toContain(host.image);
    }
  });
});

describe("loadLabById", () => {
  it("loads a lab by id from labs/<id>/lab.yaml", () => {
    const loaded = loadLabById("docker-basics");
    expect(loaded.lab.id).toBe("docker-basics");
    expect(loaded.dir).toBe(path.join(PROJECT_ROOT, "labs", "docker-basics"));
    expect(DEFAULT_PATHS.labsDir).toBe(path.join(PROJECT_ROOT, "labs"));
  });

  it("rejects a misspelt id, suggesting the closest and listing the known labs", () => {
    let error: unknown;
    try {
      loadLabById("redis-replicaton");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnknownLabError);
    const message = (error as Error).message;
    expect(message).toContain('unknown lab "redis-replicaton"');
    expect(message).toContain('did you mean "redis-replication"?');
    expect(message).toMatch(/known labs: .*docker-basics/);
    expect(message).toMatch(/known labs: .*redis-replication/);
  });

  it("makes no suggestion for an id that resembles nothing", () => {
    expect(() => loadLabById("kubernetes-operators")).toThrow(
      /^unknown lab "kubernetes-operators"; known labs: /,
    );
  });
});

describe("catalog on a scratch folder", () => {
  let root: string;
  let paths: CatalogPaths;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "archlab-catalog-"));
    paths = { labsDir: path.join(root, "labs"), imagesDir: path.join(root, "images") };
    mkdirSync(path.join(paths.imagesDir, "base"), { recursive: true });
    writeFileSync(path.join(paths.imagesDir, "base", "Dockerfile"), "FROM archlab/rootfs\n");
    mkdirSync(path.join(paths.imagesDir, "not-an-image"), { recursive: true });
    const lab = (id: string, image: string) =>
      [
        "format: 1",
        `id: ${id}`,
        "title: T",
        "hosts:",
        "  ws:",
        `    image: ${image}`,
        "workstation: ws",
        "steps:",
        "  - id: one",
        "    title: One",
        '    check: "true"',
        '    solve: "true"',
        "    wrong: [{ name: w, script: 'false' }]",
        "",
      ].join("\n");
    for (const [id, image] of [
      ["good", "base"],
      ["bad", "bas"],
    ] as const) {
      mkdirSync(path.join(paths.labsDir, id), { recursive: true });
      writeFileSync(path.join(paths.labsDir, id, "lab.yaml"), lab(id, image));
    }
    mkdirSync(path.join(paths.labsDir, "drafts"), { recursive: true });
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("lists only folders with a lab.yaml / a Dockerfile", () => {
    expect(labIds(paths)).toEqual(["bad", "good"]);
    expect(imageNames(paths)).toEqual(["base"]);
  });

  it("loadAllLabs keeps the good labs and collects the problems of the bad ones", () => {
    const { labs, problems } = loadAllLabs(paths);
    expect(labs.map((l) => l.lab.id)).toEqual(["good"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe("hosts.ws.image");
    expect(problems[0]?.line).toBe(6);
    expect(problems[0]?.message).toContain('did you mean "base"?');
  });

  it("loadLabById throws the lab's LabError", () => {
    expect(() => loadLabById("bad", paths)).toThrow(LabError);
  });

  it("says 'none' when there are no labs at all", () => {
    const empty = { labsDir: path.join(root, "nothing"), imagesDir: paths.imagesDir };
    expect(() => loadLabById("good", empty)).toThrow('unknown lab "good"; known labs: none');
  });
});
