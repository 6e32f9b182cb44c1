// Loads and validates one lab.yaml. Every problem becomes a LabProblem naming file:line, the
// field and what to write instead; nothing half-valid is ever returned.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { LabSchema, type Lab, type ScriptRefInput, type Step } from "./schema.ts";
import { positionOf } from "./yaml-positions.ts";
import { clusterProblems, withClusterHosts } from "./cluster.ts";
import { closest } from "./suggest.ts";

export interface LabProblem {
  file: string;
  line: number;
  col: number;
  field: string;
  message: string;
}

export class LabError extends Error {
  constructor(readonly problems: LabProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "LabError";
  }
}

export function formatProblem(p: LabProblem): string {
  return `${p.file}:${p.line}:${p.col}  ${p.field || "(lab)"}: ${p.message}`;
}

/** A script with everything resolved: where it runs, its text, its time limit. */
export interface Script {
  host: string;
  source: string;
  timeoutMs: number;
  /** Where it came from, for messages: "steps[2].check" or "checks/replicas.sh". */
  origin: string;
}

export interface ResolvedStep {
  id: string;
  title: Step["title"];
  hints: Step["hints"];
  setup?: Script;
  check: Script;
  solve: Script;
  wrong: { name: string; script: Script; revert?: Script }[];
  /** An imported reading step: `check` then only says so and fails. */
  ungraded: boolean;
  /** An imported step without a solve (`solve` is then a no-op). */
  noSolve: boolean;
}

const UNGRADED_CHECK = 'echo "This is a reading step: it has no check (ungraded)." >&2\nexit 1\n';

export interface LoadedLab {
  lab: Lab;
  dir: string;
  file: string;
  steps: ResolvedStep[];
}

export const DEFAULT_CHECK_TIMEOUT_MS = 15_000;
const DEFAULT_ACTION_TIMEOUT_MS = 120_000;

type PathKey = string | number;
type Issue = z.core.$ZodIssue;

interface PendingProblem {
  path: PathKey[];
  message: string;
  atKey?: boolean;
}

/** zod reports a failed union as one issue holding every branch's issues; keep the useful ones. */
function flattenIssue(issue: Issue, base: PathKey[] = []): PendingProblem[] {
  const here = [...base, ...(issue.path as PathKey[])];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // Every branch says "received undefined": the field is simply missing.
    const missing = issue.errors.every((branch) =>
      branch.some((i) => i.path.length === 0 && i.message.includes("received undefined")),
    );
    if (missing) return [{ path: here, message: `missing: add \`${String(here.at(-1))}:\`` }];
    const depth = (branch: Issue[]) => Math.max(...branch.map((i) => i.path.length));
    const deepest = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
    if (depth(deepest) === 0 || issue.message !== "Invalid input") {
      return [{ path: here, message: issue.message }];
    }
    return deepest.flatMap((i) => flattenIssue(i, here));
  }
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: [...here, key], message: "", atKey: true }));
  }
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) {
    return [
      { path: here, message: `missing: add \`${String(here.at(-1))}:\` (${issue.expected})` },
    ];
  }
  return [{ path: here, message: issue.message }];
}

// Every field name of the format, for "did you mean" suggestions on unknown keys.
const FIELD_NAMES = [
  "$schema", "format", "id", "title", "summary", "durationMinutes", "requires", "commands",
  "networks", "hosts", "workstation", "grader", "tabs", "steps", "image", "type", "command",
  "env", "ports", "container", "label", "memory", "cpus", "pids", "capAdd", "ready", "tcp",
  "log", "timeoutSeconds", "terminal", "host", "run", "file", "setup", "check", "solve",
  "hints", "wrong", "name", "script", "revert", "zh", "en", "cluster", "nodes", "kubectl",
  "nodeMemory", "controlPlaneMemory", "readyTimeoutSeconds", "preview", "port", "path",
]; // prettier-ignore

function toProblem(
  p: PendingProblem,
  file: string,
  doc: Document,
  counter: LineCounter,
): LabProblem {
  const pos = positionOf(doc, counter, p.path, p.atKey);
  let message = p.message;
  if (p.atKey) {
    const key = String(p.path.at(-1));
    const guess = closest(key, FIELD_NAMES);
    message = `unknown field "${key}"` + (guess ? `; did you mean "${guess}"?` : "; remove it");
  }
  return { file, line: pos.line, col: pos.col, field: p.path.join("."), message };
}

/** Checks that need the whole lab: references between fields, files, image names. */
function crossCheck(lab: Lab, dir: string, imageNames: string[] | undefined): PendingProblem[] {
  const out: PendingProblem[] = [];
  const hosts = Object.keys(lab.hosts);
  const hostMustExist = (name: string | undefined, at: PathKey[]) => {
    if (name !== undefined && !hosts.includes(name)) {
      out.push({ path: at, message: `no host "${name}"; declared hosts: ${hosts.join(", ")}` });
    }
  };
  if (path.basename(dir) !== lab.id) {
    out.push({ path: ["id"], message: `must equal the folder name "${path.basename(dir)}"` });
  }
  hostMustExist(lab.workstation, ["workstation"]);
  hostMustExist(lab.grader, ["grader"]);
  (lab.tabs ?? []).forEach((t, i) => hostMustExist(t, ["tabs", i]));
  for (const [name, host] of Object.entries(lab.hosts)) {
    (host.networks ?? []).forEach((n, i) => {
      if (!lab.networks.includes(n)) {
        out.push({
          path: ["hosts", name, "networks", i],
          message: `no network "${n}"; declared networks: ${lab.networks.join(", ")}`,
        });
      }
    });
    if (imageNames && !imageNames.includes(host.image)) {
      const guess = closest(host.image, imageNames);
      out.push({
        path: ["hosts", name, "image"],
        message:
          `no image "${host.image}" in infra/images` +
          (guess ? `; did you mean "${guess}"?` : `; known: ${imageNames.join(", ")}`),
      });
    }
  }
  const seen = new Set<string>();
  lab.steps.forEach((step, i) => {
    if (seen.has(step.id)) out.push({ path: ["steps", i, "id"], message: `duplicate step id` });
    seen.add(step.id);
    const scripts: [ScriptRefInput | undefined, PathKey[]][] = [
      [step.setup, ["steps", i, "setup"]],
      [step.check, ["steps", i, "check"]],
      [step.solve, ["steps", i, "solve"]],
      ...step.wrong.flatMap((w, j): [ScriptRefInput | undefined, PathKey[]][] => [
        [w.script, ["steps", i, "wrong", j, "script"]],
        [w.revert, ["steps", i, "wrong", j, "revert"]],
      ]),
    ];
    for (const [ref, at] of scripts) {
      if (ref === undefined || typeof ref === "string") continue;
      hostMustExist(ref.host, [...at, "host"]);
      if (ref.file !== undefined && !existsSync(path.resolve(dir, ref.file))) {
        out.push({ path: [...at, "file"], message: `file not found: ${path.join(dir, ref.file)}` });
      }
    }
  });
  return out;
}

function resolveScript(
  ref: ScriptRefInput,
  defaultHost: string,
  defaultTimeoutMs: number,
  dir: string,
  origin: string,
): Script {
  if (typeof ref === "string") {
    return { host: defaultHost, source: ref, timeoutMs: defaultTimeoutMs, origin };
  }
  const source =
    ref.file !== undefined ? readFileSync(path.resolve(dir, ref.file), "utf8") : ref.run;
  return {
    host: ref.host ?? defaultHost,
    source: source ?? "",
    timeoutMs: ref.timeoutSeconds !== undefined ? ref.timeoutSeconds * 1000 : defaultTimeoutMs,
    origin: ref.file ?? origin,
  };
}

/** A lab's own check helpers, run before each of its checks (after labs/lib/check.sh). */
export const LAB_CHECK_LIBRARY = "checks/lib.sh";

function resolveSteps(lab: Lab, dir: string): ResolvedStep[] {
  const actionHost = lab.workstation;
  const checkHost = lab.grader ?? lab.workstation;
  const libFile = path.join(dir, LAB_CHECK_LIBRARY);
  const labLibrary = existsSync(libFile) ? readFileSync(libFile, "utf8").trimEnd() + "\n" : "";
  const withLabLibrary = (check: Script): Script =>
    labLibrary ? { ...check, source: labLibrary + check.source } : check;
  return lab.steps.map((step, i) => {
    const at = (what: string) => `steps[${i}] (${step.id}).${what}`;
    const action = (ref: ScriptRefInput, what: string) =>
      resolveScript(ref, actionHost, DEFAULT_ACTION_TIMEOUT_MS, dir, at(what));
    return {
      id: step.id,
      title: step.title,
      hints: step.hints,
      ...(step.setup !== undefined ? { setup: action(step.setup, "setup") } : {}),
      check: withLabLibrary(
        resolveScript(
          step.check ?? UNGRADED_CHECK,
          checkHost,
          DEFAULT_CHECK_TIMEOUT_MS,
          dir,
          at("check"),
        ),
      ),
      solve: action(step.solve ?? "true", "solve"),
      ungraded: step.ungraded === true || step.check === undefined,
      noSolve: step.solve === undefined,
      wrong: step.wrong.map((w, j) => ({
        name: w.name,
        script: action(w.script, `wrong[${j}].script`),
        ...(w.revert !== undefined ? { revert: action(w.revert, `wrong[${j}].revert`) } : {}),
      })),
    };
  });
}

export interface LoadOptions {
  /** Image names that exist in infra/images; when given, hosts must use one of them. */
  imageNames?: string[];
  /** How to name the file in messages (default: the path as given). */
  displayPath?: string;
}

/** Parses and validates a lab from its YAML text. Throws LabError listing every problem. */
export function parseLab(text: string, file: string, options: LoadOptions = {}): LoadedLab {
  const shown = options.displayPath ?? file;
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new LabError(
      doc.errors.map((e) => {
        const { line, col } = counter.linePos(e.pos[0]);
        return { file: shown, line, col, field: "", message: `YAML syntax: ${e.message}` };
      }),
    );
  }
  const parsed = LabSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const pending = parsed.error.issues.flatMap((i) => flattenIssue(i));
    throw new LabError(pending.map((p) => toProblem(p, shown, doc, counter)));
  }
  const dir = path.dirname(path.resolve(file));
  const clusterIssues = clusterProblems(parsed.data);
  if (clusterIssues.length > 0) {
    throw new LabError(clusterIssues.map((p) => toProblem(p, shown, doc, counter)));
  }
  // From here on a cluster's control plane and nodes are hosts like any other.
  const lab = withClusterHosts(parsed.data);
  const crossProblems = crossCheck(lab, dir, options.imageNames);
  if (crossProblems.length > 0) {
    throw new LabError(crossProblems.map((p) => toProblem(p, shown, doc, counter)));
  }
  return { lab, dir, file, steps: resolveSteps(lab, dir) };
}

/** Reads and validates `file` (a lab.yaml). */
export function loadLab(file: string, options: LoadOptions = {}): LoadedLab {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(err);
    throw new LabError([
      { file: options.displayPath ?? file, line: 1, col: 1, field: "", message: reason },
    ]);
  }
  return parseLab(text, file, options);
}
