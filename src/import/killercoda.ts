// `archlab import killercoda`: a Killercoda scenario (index.json, Markdown pages, verify.sh,
// background.sh/foreground.sh, assets/), an old Katacoda one (details.steps[].text/verify/
// courseData/code, environment.uilayout, imageid), or a course folder (structure.json) becomes
// an archlab lab (labs/<id>/lab.yaml + the scenario's files under labs/<id>/scenario/) and a
// lesson (lessons/{zh,en}/90-<id>.mdx, in the scenario's own language on both pages).
//
// Nothing half-imported is left behind: everything is written into a temporary folder beside
// the destination, checked with the lab loader, and only then renamed into place. Every
// problem names its file (and line, for JSON); what cannot be carried over is reported.
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument, stringify } from "yaml";
import { z } from "zod";
import { LabError, parseLab } from "../lab/loader.ts";
import { positionOf } from "../lab/yaml-positions.ts";
import { convertMarkdown, type Converted, type ExecBlock } from "./markdown.ts";

export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ""}: ${reason}`);
    this.name = "ImportError";
  }
}

export interface ImportOptions {
  /** Where labs go (labs/). */
  labsDir: string;
  /** Where lessons go (lessons/, with zh/ and en/ inside). */
  lessonsDir: string;
  lang: "zh" | "en";
  /** Image names of infra/images, for the loader's check. */
  imageNames?: string[];
}

export interface ImportNote {
  file: string;
  line?: number;
  message: string;
}

export interface ImportResult {
  labId: string;
  format: "killercoda" | "katacoda";
  labDir: string;
  lessonFiles: string[];
  steps: { id: string; title: string; graded: boolean; execs: number }[];
  /** What was not (fully) carried over, by file and line. */
  notes: ImportNote[];
}

const Page = z
  .object({
    title: z.string().optional(),
    text: z.string().min(1, { error: "name the page's Markdown file" }).optional(),
    verify: z.string().optional(),
    background: z.string().optional(),
    foreground: z.string().optional(),
    // Katacoda: courseData is the background script, code the foreground one.
    courseData: z.string().optional(),
    code: z.string().optional(),
    credits: z.string().optional(),
  })
  .passthrough();
const Asset = z
  .object({
    file: z.string().min(1),
    target: z.string().min(1),
    chmod: z
      .string()
      .regex(/^([0-7]{3,4}|[ugoa]*[+-=][rwxXst]+)$/, { error: "write a mode like +x or 0644" })
      .optional(),
  })
  .strict();
const IndexJson = z
  .object({
    title: z.string().min(1),
    description: z.string().optional(),
    // A playground has no details, an intro-only scenario no steps: its intro is then the step.
    details: z
      .object({
        intro: Page.optional(),
        steps: z.array(Page).default([]),
        finish: Page.optional(),
        assets: z.record(z.string(), z.array(Asset)).optional(),
      })
      .passthrough()
      .default({ steps: [] }),
    backend: z.object({ imageid: z.string().min(1) }).passthrough(),
    environment: z.record(z.string(), z.unknown()).optional(),
    interface: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
type IndexJson = z.infer<typeof IndexJson>;
type PageJson = z.infer<typeof Page>;

/** Where strict JSON first goes wrong (Node 20's JSON.parse does not say). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? "")) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
      if (!m) fail();
      i += (m as RegExpExecArray)[0].length;
    }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}

/** Reads a JSON file; syntax and shape errors name the file and line. */
function readJson<T>(
  file: string,
  schema: z.ZodType<T>,
): { value: T; lineOf: (p: (string | number)[]) => number } {
  if (!existsSync(file)) throw new ImportError(file, undefined, "file not found");
  const text = readFileSync(file, "utf8");
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const lineOf = (p: (string | number)[]) => positionOf(doc, counter, p).line;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
    const line = counter.linePos(Math.max(0, offset)).line;
    throw new ImportError(
      file,
      line,
      `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, "").replace(/, \.\.\.".*$/s, "")}`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const at = issue.path as (string | number)[];
    throw new ImportError(file, lineOf(at), `${at.join(".") || "(top)"}: ${issue.message}`);
  }
  return { value: parsed.data, lineOf };
}

/** A lab id from a folder name: lowercase letters, digits and dashes, starting with a letter. */
export function labIdOf(name: string): string {
  let id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(id)) id = `kc-${id}`;
  if (id.length > 32) {
    // Cut, with a digest of the whole name so that two long names stay apart.
    const digest = createHash("sha256").update(name).digest("hex").slice(0, 5);
    id = `${id.slice(0, 26).replace(/-+$/, "")}-${digest}`;
  }
  return id.length >= 2 ? id : `kc-${id}`;
}

interface Backend {
  kind: "ubuntu" | "kubernetes";
  hosts: string[];
  /** The lab.yaml parts for it. */
  lab: Record<string, unknown>;
}

const KUBE_IDS =
  /^(kubernetes-kubeadm-(1node|2nodes)|kubernetes-k3s-(1node|2nodes)|k3s(-1node|-2nodes)?|kubernetes-cluster(-running)?|minikube)$/;
// Katacoda's bash, git and ubuntu images were Ubuntu hosts with a terminal, too.
const UBUNTU_IDS =
  /^(ubuntu(-4GB)?|ubuntu:(2004|2204|1804)|ubuntu-(2004|2204|1804)|bash(1804|2004)?|git)$/;

/** Killercoda's backend → archlab hosts; an image that cannot be served is an error naming it. */
export function backendFor(
  imageid: string,
  needs: { secondHost: boolean; docker: boolean },
): Backend {
  // Katacoda named versions of its clusters (kubernetes-cluster:1.18): the version is ours.
  const kube = imageid.replace(/^(kubernetes-cluster(?:-running)?):[0-9.]+$/, "$1");
  if (UBUNTU_IDS.test(imageid)) {
    const hosts = needs.secondHost ? ["host01", "host02"] : ["host01"];
    const hostsYaml: Record<string, unknown> = {};
    for (const h of hosts) {
      hostsYaml[h] = {
        image: "scenario-ubuntu",
        ...(needs.docker ? { env: { DOCKER_HOST: "tcp://docker:2375" } } : {}),
        memory: "512m",
        cpus: 1,
        pids: 1024,
      };
    }
    // Docker commands go to a hidden rootless engine: a root shell on an engine host would be
    // the elevated kind (docs/security.md). Only for scenarios that mention docker.
    if (needs.docker) {
      hostsYaml["docker"] = {
        image: "dind",
        type: "dind",
        memory: "1g",
        cpus: 1,
        pids: 2048,
        terminal: false,
      };
    }
    return {
      kind: "ubuntu",
      hosts,
      lab: { hosts: hostsYaml, workstation: "host01", grader: "host01", tabs: hosts.slice(1) },
    };
  }
  if (KUBE_IDS.test(kube)) {
    return {
      kind: "kubernetes",
      hosts: ["controlplane", "node01"],
      lab: {
        // The restricted learner, not Killercoda's cluster admin: an admin could create a
        // PodSecurityPolicy that admits privileged pods, and the nodes are elevated hosts.
        cluster: { nodes: 1, nodeNames: ["node01"], kubectl: { controlplane: "learner" } },
        hosts: { controlplane: { image: "kube-workstation", memory: "256m" } },
        workstation: "controlplane",
        grader: "controlplane",
        tabs: ["node01"],
      },
    };
  }
  throw new Error(
    `backend imageid "${imageid}" cannot be served here: use ubuntu (ubuntu-4GB, ubuntu:2004) or a Kubernetes one (kubernetes-kubeadm-1node, kubernetes-kubeadm-2nodes, k3s)`,
  );
}

/** A glob of Killercoda's asset list (*, **, ?) as a regular expression over relative paths. */
export function globRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      i++;
      if (glob[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function filesUnder(dir: string, base = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) return filesUnder(path.join(dir, e.name), rel);
    return e.isFile() ? [rel] : [];
  });
}

/** Raw bytes of a host's distinct assets (base64 in its start command's arguments). */
const MAX_ASSET_BYTES = 1024 * 1024;
/** Below Linux's 128 KiB limit for one argument. */
const CHUNK = 96 * 1024;

/** Base64 chunks passed as arguments of a host's start command; the script names them ${N}. */
class Blobs {
  readonly chunks: string[] = [];
  private readonly byDigest = new Map<string, string>();
  bytes = 0;
  /** The shell words that expand to a file's content in base64. */
  add(data: Buffer): string {
    const digest = createHash("sha256").update(data).digest("hex");
    const known = this.byDigest.get(digest);
    if (known) return known;
    this.bytes += data.length;
    const b64 = data.toString("base64");
    const refs: string[] = [];
    for (let i = 0; i < b64.length || refs.length === 0; i += CHUNK) {
      this.chunks.push(b64.slice(i, i + CHUNK));
      refs.push(`"\${${this.chunks.length}}"`);
    }
    const words = refs.join(" ");
    this.byDigest.set(digest, words);
    return words;
  }
}

/** The shell script that puts the assets in place on a host (embedded in its start command). */
function assetScript(
  scenarioDir: string,
  assets: z.infer<typeof Asset>[],
  indexFile: string,
  lineOf: (p: (string | number)[]) => number,
  hostKey: string,
  blobs: Blobs,
): string {
  const assetsDir = path.join(scenarioDir, "assets");
  const all = filesUnder(assetsDir);
  const lines: string[] = [];
  assets.forEach((asset, i) => {
    const line = lineOf(["details", "assets", hostKey, i, "file"]);
    const isGlob = /[*?]/.test(asset.file);
    const matches = isGlob
      ? all.filter((f) => globRegExp(asset.file).test(f))
      : all.filter((f) => f === asset.file);
    if (matches.length === 0) {
      throw new ImportError(indexFile, line, `asset "${asset.file}" not found in ${assetsDir}`);
    }
    const staticPrefix = isGlob
      ? asset.file.slice(0, asset.file.search(/[*?]/)).replace(/[^/]*$/, "")
      : "";
    const target = asset.target.replace(/^~(?=\/|$)/, "/root");
    for (const rel of matches) {
      const words = blobs.add(readFileSync(path.join(assetsDir, rel)));
      if (blobs.bytes > MAX_ASSET_BYTES)
        throw new ImportError(
          indexFile,
          line,
          `assets over ${MAX_ASSET_BYTES / 1024} KiB: too large to upload into the host`,
        );
      const dest = `${target.replace(/\/$/, "")}/${isGlob ? rel.slice(staticPrefix.length) : path.posix.basename(rel)}`;
      const q = `'${dest.replace(/'/g, `'\\''`)}'`;
      lines.push(`mkdir -p "$(dirname ${q})" && printf %s ${words} | base64 -d > ${q}`);
      if (asset.chmod) lines.push(`chmod ${asset.chmod} ${q}`);
    }
  });
  return lines.join("\n");
}

/** Waits for the intro's background script (Killercoda waits for it before any check). */
const WAIT_BACKGROUND =
  "for _ in $(seq 1200); do [ -e /run/killercoda/intro-background.done ] && break; sleep 0.25; done\n";

/** The start command of the scenario's host: assets, then the intro's background script. */
function hostCommand(
  assets: string,
  background: string | undefined,
  blobs: Blobs,
): string[] | undefined {
  if (!assets && !background) return undefined;
  const parts = ["mkdir -p /run/killercoda /var/log/killercoda"];
  if (assets) parts.push(assets);
  if (background) {
    parts.push(
      `cat > /run/killercoda/intro-background.sh <<'ARCHLAB_BACKGROUND_EOF'\n${background.replace(/\n?$/, "\n")}ARCHLAB_BACKGROUND_EOF`,
      "(cd /root && bash /run/killercoda/intro-background.sh > /var/log/killercoda/intro-background.log 2>&1; touch /run/killercoda/intro-background.done) &",
    );
  } else parts.push("touch /run/killercoda/intro-background.done");
  parts.push("exec sleep infinity");
  return ["bash", "-c", parts.join("\n"), "archlab-scenario-init", ...blobs.chunks];
}

/** A step's solve: its exec blocks in order, as a learner clicking them would run them. */
export function solveScript(execs: ExecBlock[], foreground: string | undefined): string {
  const out = [
    "cd ~",
    // A command still running after a while is left running (a learner moves on); the next
    // {{exec interrupt}} stops it, as its Ctrl+C would.
    "__archlab_last=",
    '__archlab_run() { bash -c "$1" </dev/null & __archlab_last=$!; for _ in $(seq 100); do kill -0 $__archlab_last 2>/dev/null || { wait $__archlab_last; echo "(exit $?)"; return 0; }; sleep 0.1; done; echo \'(still running: left running)\'; }',
    '__archlab_interrupt() { [ -n "$__archlab_last" ] && kill -TERM -- $__archlab_last $(pgrep -P $__archlab_last) 2>/dev/null; sleep 0.3; }',
  ];
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  if (foreground) out.push(`__archlab_run ${q(foreground.trimEnd())}`);
  for (const e of execs) {
    if (e.interrupt) out.push("__archlab_interrupt");
    out.push(`__archlab_run ${q(e.code)}`);
  }
  return out.join("\n") + "\n";
}

interface PageParts {
  file: string;
  converted: Converted;
  verify?: string;
  background?: string;
  foreground?: string;
}

function readPage(
  scenarioDir: string,
  page: PageJson,
  indexFile: string,
  at: (string | number)[],
  lineOf: (p: (string | number)[]) => number,
  convert: (text: string) => Converted,
): PageParts {
  const rel = (field: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const file = path.resolve(scenarioDir, value);
    if (!file.startsWith(path.resolve(scenarioDir) + path.sep))
      throw new ImportError(
        indexFile,
        lineOf([...at, field]),
        `${field} "${value}" is outside the scenario`,
      );
    if (!existsSync(file) || !statSync(file).isFile())
      throw new ImportError(
        indexFile,
        lineOf([...at, field]),
        `${field}: file not found: ${path.join(scenarioDir, value)}`,
      );
    return readFileSync(file, "utf8");
  };
  const text = page.text === undefined ? "" : (rel("text", page.text) as string);
  return {
    file: path.join(scenarioDir, page.text ?? "index.json"),
    converted: convert(text),
    ...(page.verify !== undefined ? { verify: rel("verify", page.verify) as string } : {}),
    ...((page.background ?? page.courseData)
      ? {
          background: rel(
            page.background !== undefined ? "background" : "courseData",
            page.background ?? page.courseData,
          ) as string,
        }
      : {}),
    ...((page.foreground ?? page.code)
      ? {
          foreground: rel(
            page.foreground !== undefined ? "foreground" : "code",
            page.foreground ?? page.code,
          ) as string,
        }
      : {}),
  };
}

function frontmatterString(s: string): string {
  return JSON.stringify(s);
}

/** Imports one scenario folder into a temporary folder; returns what to rename where. */
function buildScenario(
  scenarioDir: string,
  options: ImportOptions,
  staging: string,
  order: number,
): ImportResult & { moves: [string, string][] } {
  const indexFile = path.join(scenarioDir, "index.json");
  const { value: index, lineOf } = readJson(indexFile, IndexJson);
  const notes: ImportNote[] = [];
  const note = (file: string, line: number | undefined, message: string) =>
    notes.push({ file, ...(line !== undefined ? { line } : {}), message });
  const details = index.details;
  if (details.steps.length === 0) {
    // Nothing but an intro (or nothing at all): that page is the one, ungraded, step.
    const only = details.intro ?? {};
    details.steps = [{ ...only, title: only.title ?? index.title }];
    delete details.intro;
    note(indexFile, lineOf(["details"]), "no steps: the intro is imported as the one step");
  }
  const katacoda =
    index.environment !== undefined ||
    [details.intro, ...details.steps, details.finish].some(
      (p) => p && (p.courseData !== undefined || p.code !== undefined),
    );
  const format = katacoda ? "katacoda" : "killercoda";
  const labId = labIdOf(path.basename(path.resolve(scenarioDir)));
  // Relative to the lab's folder, so that a checkout moved elsewhere still names it.
  const source = path.relative(path.join(options.labsDir, labId), path.resolve(scenarioDir));

  // Which hosts the text targets decides a second ubuntu host.
  const allText = [details.intro, ...details.steps, details.finish]
    .filter((p): p is PageJson => p !== undefined)
    .flatMap((p) =>
      [p.text, p.verify, p.background, p.foreground, p.courseData, p.code].map((f) =>
        f && existsSync(path.join(scenarioDir, f)) && statSync(path.join(scenarioDir, f)).isFile()
          ? readFileSync(path.join(scenarioDir, f), "utf8")
          : "",
      ),
    )
    .join("\n");
  const secondHost =
    /\{\{\s*exec(ute)?[^}]*\b(host|HOST)0?2\b/.test(allText) ||
    /TRAFFIC_HOST2_/.test(allText) ||
    "host02" in (details.assets ?? {});
  let backend: Backend;
  try {
    backend = backendFor(index.backend.imageid, {
      secondHost,
      docker: /\bdocker\b/.test(allText),
    });
  } catch (err) {
    throw new ImportError(indexFile, lineOf(["backend", "imageid"]), (err as Error).message);
  }
  const hostOf = (n: number) => backend.hosts[n - 1];
  const convert = (text: string) => convertMarkdown(text, { labId, hostOf });

  // Fields we do not carry over are reported, never dropped silently.
  const known = {
    top: [
      "title",
      "description",
      "details",
      "backend",
      "environment",
      "interface",
      "time",
      "difficulty",
      "icon",
      "noindex",
      "files",
      "private",
    ],
    details: ["intro", "steps", "finish", "assets"],
    page: ["title", "text", "verify", "background", "foreground", "courseData", "code", "credits"],
  };
  for (const key of Object.keys(index)) {
    if (!known.top.includes(key)) note(indexFile, lineOf([key]), `field "${key}" is not imported`);
  }
  for (const key of Object.keys(details)) {
    if (!known.details.includes(key))
      note(indexFile, lineOf(["details", key]), `field "details.${key}" is not imported`);
  }
  const pageAt: [PageJson | undefined, (string | number)[]][] = [
    [details.intro, ["details", "intro"]],
    ...details.steps.map((s, i): [PageJson, (string | number)[]] => [s, ["details", "steps", i]]),
    [details.finish, ["details", "finish"]],
  ];
  for (const [p, at] of pageAt) {
    for (const key of Object.keys(p ?? {})) {
      if (!known.page.includes(key))
        note(indexFile, lineOf([...at, key]), `field "${[...at, key].join(".")}" is not imported`);
    }
  }
  const layout = index.environment?.["uilayout"];
  if (layout !== undefined && !/^terminal/.test(String(layout)))
    note(
      indexFile,
      lineOf(["environment", "uilayout"]),
      `uilayout "${String(layout)}": archlab shows the lesson beside terminals (no IDE or iframe panes)`,
    );
  for (const key of Object.keys(index.environment ?? {})) {
    if (key !== "uilayout")
      note(indexFile, lineOf(["environment", key]), `field "environment.${key}" is not imported`);
  }
  for (const key of ["interface", "files"] as const) {
    const value = (index as Record<string, unknown>)[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0))
      note(indexFile, lineOf([key]), `field "${key}" is not imported`);
  }
  for (const key of Object.keys(index.backend)) {
    if (key !== "imageid")
      note(indexFile, lineOf(["backend", key]), `field "backend.${key}" is not imported`);
  }

  const pages = pageAt.map(([p, at]) =>
    p ? readPage(scenarioDir, p, indexFile, at, lineOf, convert) : undefined,
  );
  const [intro, ...rest] = pages;
  const finish = rest.pop();
  const steps = rest as PageParts[];
  for (const p of pages) {
    for (const n of p?.converted.notes ?? []) note(p!.file, n.line, n.message);
  }
  if (intro?.verify)
    note(
      indexFile,
      lineOf(["details", "intro", "verify"]),
      "the intro's verify is not imported (the intro is not a step)",
    );
  if (intro?.converted.execs.length)
    note(
      intro.file,
      intro.converted.execs[0]?.line,
      "commands on the intro page are shown, but no step's solve runs them",
    );
  if (finish?.background || finish?.foreground)
    note(indexFile, lineOf(["details", "finish"]), "the finish page's scripts are not run");

  // Hosts, their assets and previews.
  const labYaml: Record<string, unknown> = {
    format: 1,
    id: labId,
    title: index.title,
    ...(index.description ? { summary: index.description } : {}),
    imported: { format, source, lang: options.lang },
    ...backend.lab,
  };
  const hosts = labYaml["hosts"] as Record<string, Record<string, unknown>>;
  const assetsByHost = details.assets ?? {};
  const blobsOf: Record<string, Blobs> = {};
  for (const [key, list] of Object.entries(assetsByHost)) {
    const n = /^host0?(\d)$/.exec(key)
      ? Number(/(\d)$/.exec(key)?.[1])
      : key === "client"
        ? 1
        : NaN;
    const host = Number.isNaN(n) ? undefined : hostOf(n);
    const target = host ? hosts[host] : undefined;
    if (!host || !target)
      throw new ImportError(
        indexFile,
        lineOf(["details", "assets", key]),
        `assets for "${key}": no such host here (hosts: ${backend.hosts.join(", ")})`,
      );
    const blobs = (blobsOf[host] ??= new Blobs());
    target["_assets"] = assetScript(scenarioDir, list, indexFile, lineOf, key, blobs);
  }
  const first = backend.hosts[0] as string;
  for (const [name, spec] of Object.entries(hosts)) {
    const assets = (spec["_assets"] as string | undefined) ?? "";
    delete spec["_assets"];
    const command = hostCommand(
      assets,
      name === first ? intro?.background : undefined,
      blobsOf[name] ?? new Blobs(),
    );
    if (command) {
      if (backend.kind === "kubernetes" && name !== first) continue;
      spec["command"] = command;
    }
  }
  const ports = new Map<string, Set<number>>();
  for (const p of pages) {
    for (const [h, set] of p?.converted.ports ?? []) {
      const all = ports.get(h) ?? new Set<number>();
      for (const port of set) all.add(port);
      ports.set(h, all);
    }
  }
  for (const [h, set] of ports) {
    if (hosts[h]) hosts[h]["preview"] = [...set].sort((a, b) => a - b).map((port) => ({ port }));
    else note(indexFile, undefined, `{{TRAFFIC_HOST}} links to ${h}, which has no preview here`);
  }

  // Steps: verify.sh is the check (on the scenario's host), exec blocks the solve.
  const stepRows: ImportResult["steps"] = [];
  const labSteps = steps.map((p, i) => {
    const id = `step-${i + 1}`;
    const json = details.steps[i] as PageJson;
    const title = json.title?.trim() || `Step ${i + 1}`;
    const step: Record<string, unknown> = { id, title };
    const waitIntro = intro?.background && backend.kind === "ubuntu" ? WAIT_BACKGROUND : "";
    if (p.background) {
      // Run when the step opens (src/server/http/step-backgrounds.ts), and by verify as setup.
      step["setup"] = {
        file: `scenario/${json.background ?? json.courseData}`,
        timeoutSeconds: 300,
      };
    }
    if (p.verify !== undefined) {
      const checkFile = `checks/${id}.sh`;
      step["check"] = { file: checkFile, timeoutSeconds: 120 };
      p.verify = waitIntro + p.verify;
    } else {
      step["ungraded"] = true;
    }
    const execs = p.converted.execs;
    // The intro's foreground script was typed into the terminal at the start: before step 1.
    const foreground =
      [i === 0 ? intro?.foreground : undefined, p.foreground].filter(Boolean).join("\n") ||
      undefined;
    if (execs.length > 0 || foreground) {
      step["solve"] = {
        run: solveScript(
          execs.filter((e) => !e.host),
          foreground,
        ),
        timeoutSeconds: 600,
      };
      if (execs.some((e) => e.host))
        note(
          p.file,
          execs.find((e) => e.host)?.line,
          "commands for a second host are shown with their host; the solve runs only the first host's",
        );
    }
    stepRows.push({ id, title, graded: p.verify !== undefined, execs: execs.length });
    return step;
  });
  labYaml["steps"] = labSteps;

  // Files: the scenario itself (what the lab's scripts name), checks, lab.yaml, the lesson.
  const labStage = path.join(staging, "lab", labId);
  mkdirSync(path.join(labStage, "checks"), { recursive: true });
  cpSync(scenarioDir, path.join(labStage, "scenario"), {
    recursive: true,
    filter: (src) => !src.split(path.sep).includes(".git"),
  });
  steps.forEach((p, i) => {
    if (p.verify !== undefined)
      writeFileSync(path.join(labStage, "checks", `step-${i + 1}.sh`), p.verify);
  });
  const yamlText =
    `# yaml-language-server: $schema=../lab.schema.json\n# Imported by \`archlab import killercoda\` from ${source} (relative to this folder): edit the scenario and import it again.\n` +
    stringify(labYaml, { lineWidth: 100, blockQuote: "literal" });
  const labFile = path.join(labStage, "lab.yaml");
  writeFileSync(labFile, yamlText);
  try {
    parseLab(yamlText, labFile, {
      ...(options.imageNames ? { imageNames: options.imageNames } : {}),
      displayPath: path.join(options.labsDir, labId, "lab.yaml"),
    });
  } catch (err) {
    if (err instanceof LabError)
      throw new ImportError(
        indexFile,
        undefined,
        `the lab made from it is not valid:\n${err.message}`,
      );
    throw err;
  }

  const body: string[] = [
    "---",
    `title: ${frontmatterString(index.title)}`,
    `summary: ${frontmatterString(index.description?.trim() || index.title)}`,
    `order: ${order}`,
    `duration: ${Math.max(5, steps.length * 5)}`,
    `lab: ${labId}`,
    "---",
    "",
    `{/* Imported by \`archlab import killercoda\` from ${path.basename(path.resolve(scenarioDir)).replace(/\*\//g, "* /")} (see the lab's \`imported.source\`). Edit the scenario and import it again. */}`,
    "",
    "<Lab />",
    "",
  ];
  if (intro) {
    body.push(details.intro?.title ? `## ${details.intro.title}\n` : "", intro.converted.mdx);
    if (intro.foreground) {
      body.push(
        options.lang === "zh"
          ? "场景开始时会在终端里运行："
          : "The scenario runs this in the terminal when it starts:",
        "",
        "```bash",
        intro.foreground.trimEnd(),
        "```",
        "",
      );
    }
  }
  steps.forEach((p, i) => {
    body.push(`<Step id="step-${i + 1}">`, "");
    if (p.foreground) {
      body.push(
        options.lang === "zh"
          ? "场景在这一步开始时会在终端里运行："
          : "The scenario runs this in the terminal when the step opens:",
        "",
        "```bash",
        p.foreground.trimEnd(),
        "```",
        "",
      );
    }
    body.push(p.converted.mdx, "</Step>", "");
  });
  if (finish)
    body.push(
      `## ${details.finish?.title ?? (options.lang === "zh" ? "完成" : "Finish")}`,
      "",
      finish.converted.mdx,
    );
  const mdx = body.join("\n").replace(/\n{3,}/g, "\n\n");
  const moves: [string, string][] = [[labStage, path.join(options.labsDir, labId)]];
  const lessonFiles: string[] = [];
  for (const lang of ["zh", "en"]) {
    const staged = path.join(staging, "lessons", lang, `90-${labId}.mdx`);
    mkdirSync(path.dirname(staged), { recursive: true });
    writeFileSync(staged, mdx);
    const dest = path.join(options.lessonsDir, lang, `90-${labId}.mdx`);
    moves.push([staged, dest]);
    lessonFiles.push(dest);
  }
  return {
    labId,
    format,
    labDir: path.join(options.labsDir, labId),
    lessonFiles,
    steps: stepRows,
    notes,
    moves,
  };
}

const Structure = z
  .object({
    items: z
      .array(z.object({ path: z.string().min(1), title: z.string().optional() }).passthrough())
      .min(1, { error: "a course lists at least one scenario" }),
  })
  .passthrough();

/** The scenario folders a path names: itself, or the items of its structure.json (a course). */
export function scenarioDirs(dir: string): string[] {
  if (existsSync(path.join(dir, "index.json"))) return [dir];
  const structure = path.join(dir, "structure.json");
  if (existsSync(structure)) {
    const { value, lineOf } = readJson(structure, Structure);
    return value.items.map((item, i) => {
      const sub = path.resolve(dir, item.path);
      if (!existsSync(path.join(sub, "index.json")))
        throw new ImportError(
          structure,
          lineOf(["items", i, "path"]),
          `no scenario (index.json) in ${sub}`,
        );
      return sub;
    });
  }
  throw new ImportError(
    dir,
    undefined,
    "neither a scenario (index.json) nor a course (structure.json)",
  );
}

/**
 * Imports scenarios and courses. All of them, or none: every lab and lesson is built and
 * checked in a staging folder first, then renamed into place.
 */
export function importKillercoda(dirs: string[], options: ImportOptions): ImportResult[] {
  const all = dirs.flatMap((d) => scenarioDirs(path.resolve(d)));
  const staging = path.join(options.labsDir, `.import-${randomBytes(6).toString("hex")}`);
  mkdirSync(staging, { recursive: true });
  const placed: [string, string | undefined][] = [];
  try {
    const results = all.map((dir, i) => buildScenario(dir, options, staging, 900 + i));
    const ids = new Map<string, string>();
    for (const [i, r] of results.entries()) {
      const other = ids.get(r.labId);
      if (other)
        throw new ImportError(
          all[i] as string,
          undefined,
          `its lab id ${r.labId} is also ${other}'s: rename one folder`,
        );
      ids.set(r.labId, all[i] as string);
      const existing = path.join(r.labDir, "lab.yaml");
      if (
        existsSync(r.labDir) &&
        !(existsSync(existing) && /^imported:/m.test(readFileSync(existing, "utf8")))
      )
        throw new ImportError(
          all[i] as string,
          undefined,
          `${r.labDir} exists and is not an imported lab: not overwritten`,
        );
    }
    // Into place: what was there before is kept aside until everything has moved.
    for (const r of results) {
      for (const [from, to] of r.moves) {
        mkdirSync(path.dirname(to), { recursive: true });
        let aside: string | undefined;
        if (existsSync(to)) {
          aside = path.join(staging, "old", String(placed.length));
          mkdirSync(path.dirname(aside), { recursive: true });
          renameSync(to, aside);
        }
        placed.push([to, aside]);
        renameSync(from, to);
      }
    }
    return results.map(({ moves: _moves, ...r }) => r);
  } catch (err) {
    // Undo what was moved, newest first.
    for (const [to, aside] of placed.reverse()) {
      rmSync(to, { recursive: true, force: true });
      if (aside) renameSync(aside, to);
    }
    throw err;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
