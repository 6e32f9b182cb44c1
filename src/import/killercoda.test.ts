// The importer on our own fixtures (tests/fixtures/killercoda): what becomes of every feature,
// bad input named by file and line, and nothing half-imported left behind.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compile } from "@mdx-js/mdx";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { imageNames, PROJECT_ROOT } from "../lab/catalog.ts";
import { loadLab } from "../lab/loader.ts";
import {
  backendFor,
  globRegExp,
  ImportError,
  importKillercoda,
  jsonErrorOffset,
  labIdOf,
  type ImportOptions,
} from "./killercoda.ts";
import { convertMarkdown } from "./markdown.ts";

const FIXTURES = path.join(PROJECT_ROOT, "tests", "fixtures", "killercoda");
let out: string;
let options: ImportOptions;

beforeEach(() => {
  out = mkdtempSync(path.join(tmpdir(), "archlab-import-"));
  options = {
    labsDir: path.join(out, "labs"),
    lessonsDir: path.join(out, "lessons"),
    lang: "en",
    imageNames: imageNames(),
  };
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

function errorOf(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return err as ImportError;
  }
  throw new Error("expected an ImportError");
}

/** Everything under a folder, relative paths. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

describe("a Killercoda scenario", () => {
  it("becomes a lab: verify.sh the check, exec blocks the solve, no verify a reading step", () => {
    const [r] = importKillercoda([path.join(FIXTURES, "killercoda-example")], options);
    expect(r?.labId).toBe("killercoda-example");
    expect(r?.format).toBe("killercoda");
    const loaded = loadLab(path.join(options.labsDir, "killercoda-example", "lab.yaml"), {
      imageNames: imageNames(),
    });
    expect(loaded.lab.imported?.format).toBe("killercoda");
    const [s1, s2, s3] = loaded.steps;
    expect(loaded.steps.map((s) => [s.id, s.ungraded])).toEqual([
      ["step-1", false],
      ["step-2", true],
      ["step-3", false],
    ]);
    // The check is the scenario's verify.sh, run on its host, after the intro's background.
    expect(s1?.check.host).toBe("host01");
    expect(s1?.check.source).toContain("intro-background.done");
    expect(s1?.check.source).toContain('grep -q "hello from step 1" /root/work/step1.txt');
    // The solve: the intro's foreground script, then every {{exec}} block (not {{copy}}), with
    // the blocking one interrupted by the next.
    expect(s1?.solve.source).toContain(`__archlab_run 'echo "waiting for the host to be prepared"`);
    expect(s1?.solve.source).toContain("__archlab_run 'cat ~/greeting.txt'");
    expect(s1?.solve.source).toMatch(
      /__archlab_run 'sleep 1000'\n__archlab_interrupt\n__archlab_run 'ls \/etc\/demo'/,
    );
    expect(s1?.solve.source).not.toContain("rm -rf /");
    expect(s2?.solve.source).toContain("index.html");
    // A step's background script is its setup; its foreground one starts its solve.
    expect(s3?.setup?.source).toContain("step 3 background ran");
    expect(s3?.solve.source).toContain(`__archlab_run 'echo "serve the page"`);
    // Assets travel in the host's start command, with their chmod; globs match by segment.
    const cmd = loaded.lab.hosts["host01"]?.command ?? [];
    expect(cmd.slice(0, 2)).toEqual(["bash", "-c"]);
    expect(cmd[2]).toContain("'/root/greeting.txt'");
    expect(cmd[2]).toContain("chmod +x '/usr/local/bin/tool.sh'");
    expect(cmd[2]).toContain("'/etc/demo/app.yaml'");
    expect(cmd[2]).not.toContain("readme.txt");
    expect(Buffer.from(cmd[4] as string, "base64").toString()).toBe("hello from the assets\n");
    // {{TRAFFIC_HOST1_8000}} declares a preview port.
    expect(loaded.lab.hosts["host01"]?.preview).toEqual([{ port: 8000 }]);
    // No docker in the text: no engine host.
    expect(Object.keys(loaded.lab.hosts)).toEqual(["host01"]);
    // The scenario's own files are kept beside the lab.
    expect(
      existsSync(path.join(options.labsDir, "killercoda-example", "scenario", "index.json")),
    ).toBe(true);
  });

  it("becomes a lesson in both languages that MDX compiles, with steps, Run blocks and the preview link", async () => {
    const [r] = importKillercoda([path.join(FIXTURES, "killercoda-example")], options);
    expect(r?.lessonFiles.map((f) => path.relative(options.lessonsDir, f))).toEqual([
      "zh/90-killercoda-example.mdx",
      "en/90-killercoda-example.mdx",
    ]);
    const mdx = readFileSync(r?.lessonFiles[1] as string, "utf8");
    expect(mdx).toMatch(/^---\ntitle: "Appendix: a Killercoda scenario, imported"\n/);
    expect(mdx).toContain("lab: killercoda-example");
    expect(mdx).toContain("<Lab />");
    for (const id of ["step-1", "step-2", "step-3"]) expect(mdx).toContain(`<Step id="${id}">`);
    expect(mdx).toContain("```bash\nmkdir -p /root/work");
    expect(mdx).toContain("```bash interrupt\nls /etc/demo\n```");
    expect(mdx).toContain("<br />");
    expect(mdx).toContain("\\{curly\\}");
    expect(mdx).toContain("a &lt; b");
    expect(mdx).toContain("<details>\n<summary>Hint</summary>");
    expect(mdx).toContain("(/preview/open?lab=killercoda-example&host=host01&port=8000)");
    expect(mdx).toContain("## Finish");
    await compile(mdx.replace(/^---[\s\S]*?---/, ""));
  });

  it("reports what it does not carry over, by file and line", () => {
    const [r] = importKillercoda([path.join(FIXTURES, "course", "part-2")], options);
    expect(r?.notes).toContainEqual({
      file: path.join(FIXTURES, "course", "part-2", "step1.md"),
      line: 1,
      message:
        "commands for a second host are shown with their host; the solve runs only the first host's",
    });
  });
});

describe("an old Katacoda scenario", () => {
  it("maps courseData to background, code to foreground and {{execute}} to exec", () => {
    const [r] = importKillercoda([path.join(FIXTURES, "katacoda-old")], options);
    expect(r?.format).toBe("katacoda");
    expect(r?.notes).toContainEqual({
      file: path.join(FIXTURES, "katacoda-old", "index.json"),
      line: 31,
      message: 'field "environment.hidefinish" is not imported',
    });
    const loaded = loadLab(path.join(options.labsDir, "katacoda-old", "lab.yaml"));
    const [s1, s2] = loaded.steps;
    expect(loaded.lab.hosts["host01"]?.command?.[2]).toContain("mkdir -p /opt/notes");
    expect(s1?.solve.source).toContain("__archlab_run 'cd /opt/notes'");
    expect(s1?.solve.source).toContain(`__archlab_run 'echo "second note" >> /opt/notes/one.txt'`);
    expect(s2?.setup?.source).toContain("from the background");
    expect(s2?.solve.source).toMatch(/__archlab_interrupt\n__archlab_run 'ls \/opt\/notes/);
  });
});

describe("a course folder (structure.json)", () => {
  it("imports each scenario it lists, a second host and docker when the text needs them", () => {
    const results = importKillercoda([path.join(FIXTURES, "course")], options);
    expect(results.map((r) => r.labId)).toEqual(["part-1", "part-2"]);
    const two = loadLab(path.join(options.labsDir, "part-2", "lab.yaml"));
    expect(Object.keys(two.lab.hosts)).toEqual(["host01", "host02", "docker"]);
    expect(two.lab.hosts["host01"]?.env).toEqual({ DOCKER_HOST: "tcp://docker:2375" });
    expect(two.lab.hosts["docker"]).toMatchObject({ type: "dind", terminal: false });
    expect(two.lab.tabs).toEqual(["host02"]);
    const mdx = readFileSync(path.join(options.lessonsDir, "en", "90-part-2.mdx"), "utf8");
    expect(mdx).toContain("```bash host=host02\nhostname\n```");
  });
});

describe("Kubernetes backends", () => {
  it("become the cluster: kubectl (the restricted learner) on controlplane, the node named node01", () => {
    importKillercoda([path.join(FIXTURES, "kubernetes-2node")], options);
    const loaded = loadLab(path.join(options.labsDir, "kubernetes-2node", "lab.yaml"), {
      imageNames: imageNames(),
    });
    expect(loaded.lab.cluster).toMatchObject({
      nodes: 1,
      nodeNames: ["node01"],
      kubectl: { controlplane: "learner" },
    });
    expect(Object.keys(loaded.lab.hosts).sort()).toEqual(["controlplane", "cp", "node01"]);
    expect(loaded.lab.hosts["node01"]?.type).toBe("kube-node");
    expect(loaded.lab.workstation).toBe("controlplane");
    expect(loaded.steps[0]?.check.host).toBe("controlplane");
    expect(loaded.steps[0]?.solve.source).toContain("kubectl run web --image=nginx:1");
  });
  it("map every Kubernetes id the same way, Katacoda's versioned ones included", () => {
    for (const id of [
      "kubernetes-kubeadm-1node",
      "kubernetes-kubeadm-2nodes",
      "kubernetes-k3s-2nodes",
      "k3s",
      "kubernetes-cluster:1.18",
      "kubernetes-cluster-running:1.18",
    ]) {
      expect(backendFor(id, { secondHost: false, docker: false }).hosts).toEqual([
        "controlplane",
        "node01",
      ]);
    }
    expect(backendFor("ubuntu:2004", { secondHost: false, docker: false }).hosts).toEqual([
      "host01",
    ]);
  });
});

describe("bad input", () => {
  const bad = (name: string) => path.join(FIXTURES, "bad", name);
  it("a missing page names index.json and the line", () => {
    const err = errorOf(() => importKillercoda([bad("missing-page")], options));
    expect(err.file).toBe(path.join(bad("missing-page"), "index.json"));
    expect(err.line).toBe(6);
    expect(err.reason).toContain("step2.md");
  });
  it("bad JSON names the line of the error", () => {
    const err = errorOf(() => importKillercoda([bad("bad-json")], options));
    expect(err.line).toBe(6);
    expect(err.reason).toMatch(/^not valid JSON/);
  });
  it("an unknown backend names itself and its line", () => {
    const err = errorOf(() => importKillercoda([bad("unknown-backend")], options));
    expect(err.line).toBe(7);
    expect(err.reason).toContain('"windows-server" cannot be served here');
  });
  it("a missing asset names it and its line", () => {
    const err = errorOf(() => importKillercoda([bad("missing-asset")], options));
    expect(err.line).toBe(8);
    expect(err.reason).toContain('"gone.txt" not found');
  });
  it("a folder that is no scenario says so", () => {
    expect(errorOf(() => importKillercoda([path.join(FIXTURES, "bad")], options)).reason).toMatch(
      /neither a scenario/,
    );
  });

  it("leaves nothing behind: all or nothing, and an earlier import survives a failed one", () => {
    importKillercoda([path.join(FIXTURES, "course", "part-1")], options);
    const before = { labs: tree(options.labsDir), lessons: tree(options.lessonsDir) };
    // A good scenario and a bad one together: neither is imported, part-1 stays as it was.
    errorOf(() =>
      importKillercoda([path.join(FIXTURES, "killercoda-example"), bad("missing-asset")], options),
    );
    expect(tree(options.labsDir)).toEqual(before.labs);
    expect(tree(options.lessonsDir)).toEqual(before.lessons);
    expect(existsSync(path.join(options.labsDir, "killercoda-example"))).toBe(false);
  });

  it("refuses to overwrite a lab that was not imported", () => {
    const native = path.join(options.labsDir, "part-1");
    cpSync(path.join(PROJECT_ROOT, "labs", "web-tier"), native, { recursive: true });
    writeFileSync(path.join(native, "lab.yaml"), "format: 1\nid: part-1\n");
    const err = errorOf(() => importKillercoda([path.join(FIXTURES, "course", "part-1")], options));
    expect(err.reason).toContain("is not an imported lab");
  });
});

describe("pieces", () => {
  it("lab ids from folder names, long ones kept apart", () => {
    expect(labIdOf("My Scenario_01")).toBe("my-scenario-01");
    expect(labIdOf("01-intro")).toBe("kc-01-intro");
    const a = labIdOf("foreground-background-scripts-multi-step");
    const b = labIdOf("foreground-background-scripts-multi-step-ide");
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(32);
  });
  it("asset globs", () => {
    expect(globRegExp("*").test("a.txt")).toBe(true);
    expect(globRegExp("*").test("d/a.txt")).toBe(false);
    expect(globRegExp("**").test("d/e/a.txt")).toBe(true);
    expect(globRegExp("app1/**/*.json").test("app1/config/x.json")).toBe(true);
    expect(globRegExp("app1/**/*.json").test("app1/x.json")).toBe(true);
    expect(globRegExp("app*/*.*").test("app2/cnf.json")).toBe(true);
  });
  it("JSON error offsets", () => {
    expect(jsonErrorOffset('{"a": 1}')).toBe(-1);
    expect(jsonErrorOffset('{"a": [1,]}')).toBe(9);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
  });
  it("Markdown: copy markers, unknown placeholders, images and comments", () => {
    const c = convertMarkdown(
      "`x`{{copy}} {{TRAFFIC_SELECTOR}} ![pic](./a.png) <!-- c --> <pod-name> <https://e.org>",
      { labId: "l", hostOf: (n) => (n === 1 ? "host01" : undefined) },
    );
    expect(c.mdx.trim()).toBe(
      "`x` \\{\\{TRAFFIC_SELECTOR\\}\\} *(image: pic)* {/* c */} &lt;pod-name&gt; [https://e.org](https://e.org)",
    );
    expect(c.notes.map((n) => n.message)).toEqual([
      "{{TRAFFIC_SELECTOR}} is not supported here: shown as text",
      "image ./a.png is not carried over: shown as its text",
    ]);
    expect(c.execs).toEqual([]);
  });
});
