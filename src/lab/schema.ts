// The lab format, version 1: the single source of truth for `labs/<id>/lab.yaml`.
// Every field carries a description: it feeds the generated JSON Schema (editor autocompletion)
// and the loader's error messages, so a lab author sees the same words everywhere.
import { z } from "zod";
import { NAME_RE } from "../protocol/ids.ts";

const SIZE_RE = /^[1-9][0-9]*[kmg]$/;

/** A DNS-friendly name: hosts, networks, steps and labs are all named this way. */
export const Name = z
  .string()
  .regex(NAME_RE, {
    error: "use 2-32 lowercase letters, digits and dashes, starting with a letter (e.g. redis-1)",
  })
  .describe("A lowercase name of 2-32 letters, digits and dashes, starting with a letter.");

/** Text shown to learners: a plain string, or one per interface language. */
export const LocalizedText = z
  .union([
    z.string().min(1),
    z
      .object({
        zh: z.string().min(1).describe("Simplified Chinese (the course's first language)."),
        en: z.string().min(1).describe("English."),
      })
      .strict(),
  ])
  .describe("Text for learners: a string, or {zh, en} with one version per language.");

const Size = z
  .string()
  .regex(SIZE_RE, { error: 'write a size such as "256m" or "1g"' })
  .describe('A memory size: a number with k, m or g, e.g. "256m".');

const Seconds = (what: string, max: number) =>
  z
    .number({ error: `write a number of seconds (1-${max})` })
    .positive({ error: `write a number of seconds (1-${max})` })
    .max(max, { error: `at most ${max} seconds` })
    .describe(what);

const Readiness = z
  .union([
    z
      .object({
        tcp: z
          .number()
          .int()
          .min(1)
          .max(65535)
          .describe("Ready once this TCP port accepts connections inside the host."),
        timeoutSeconds: Seconds("How long to wait before the start counts as failed.", 600)
          .default(60)
          .optional(),
      })
      .strict(),
    z
      .object({
        log: z.string().min(1).describe("Ready once the host's output contains this text."),
        timeoutSeconds: Seconds("How long to wait before the start counts as failed.", 600)
          .default(60)
          .optional(),
      })
      .strict(),
    z
      .object({
        command: z
          .string()
          .min(1)
          .describe("Ready once this shell command exits 0 inside the host (retried)."),
        timeoutSeconds: Seconds("How long to wait before the start counts as failed.", 600)
          .default(60)
          .optional(),
      })
      .strict(),
  ])
  .describe("When the host counts as started: one of {tcp: port}, {log: text}, {command: sh}.");

const PublishedPort = z
  .object({
    container: z.number().int().min(1).max(65535).describe("Port inside the host."),
    label: z.string().optional().describe("What runs there, shown next to the link."),
  })
  .strict()
  .describe("A port published on the server's loopback for the learner's browser.");

/** A TCP port of a host that the learner may open in a browser tab (port preview). */
export const PreviewPort = z
  .object({
    port: z.number().int().min(1).max(65535).describe("TCP port inside the host."),
    label: LocalizedText.optional().describe("What runs there, shown on the link."),
    path: z
      .string()
      .regex(/^\/[\x21-\x7e]*$/, { error: "write a path starting with /, e.g. /health" })
      .optional()
      .describe("Path the link opens (default /)."),
  })
  .strict()
  .describe(
    "A port opened through the lab server (/preview/...), only for the environment's owner and " +
      "the workshop's instructor; the host is never published on the machine's ports.",
  );

export const HostSchema = z
  .object({
    image: Name.describe(
      "Image to run: the name of a folder in infra/images (built by `archlab images build`).",
    ),
    type: z
      .enum(["container", "dind", "kube-node"])
      .default("container")
      .describe(
        "container: an ordinary locked-down container. dind: a Docker-in-Docker workstation " +
          "(elevated; see docs/security.md). kube-node: a Kubernetes node, made by `cluster:` " +
          "(not written by hand).",
      ),
    command: z
      .array(z.string())
      .min(1)
      .optional()
      .describe("Command to run instead of the image's default, as a list of arguments."),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
      .default({})
      .describe("Environment variables for the host."),
    networks: z
      .array(Name)
      .min(1)
      .optional()
      .describe("Lab networks the host joins (default: the lab's first network)."),
    ports: z.array(PublishedPort).default([]).describe("Ports published to the learner's browser."),
    preview: z
      .array(PreviewPort)
      .optional()
      .describe(
        "Ports the learner may open in a browser tab through the lab server (`<Preview>`).",
      ),
    memory: Size.default("256m").describe('Memory limit, e.g. "256m".'),
    cpus: z
      .number()
      .positive()
      .max(4, { error: "at most 4 CPUs per host" })
      .default(0.5)
      .describe("CPU limit in cores, e.g. 0.5."),
    pids: z
      .number()
      .int()
      .min(16)
      .max(32768)
      .default(256)
      .describe("Maximum number of processes in the host."),
    capAdd: z
      .array(z.string().regex(/^[A-Z_]+$/, { error: "write a capability like NET_ADMIN" }))
      .default([])
      .describe("Linux capabilities added to the default small set (e.g. NET_ADMIN)."),
    ready: Readiness.optional(),
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, {
        error: "write a user name of the image, like learner",
      })
      .optional()
      .describe(
        "The user the learner's terminal opens as (it must exist in the image; default: the " +
          "image's user, usually root). Lab scripts run as the image's user.",
      ),
    terminal: z
      .boolean()
      .default(true)
      .describe(
        "Whether the learner may open a shell here; checks should run on hosts with false.",
      ),
  })
  .strict()
  .describe("One machine of the lab environment.");

const ScriptObject = z
  .object({
    host: Name.optional().describe(
      "Host to run in (default: `grader` for checks, `workstation` for the rest).",
    ),
    run: z.string().min(1).optional().describe("Inline shell script (bash), fed through stdin."),
    file: z
      .string()
      .min(1)
      .optional()
      .describe("Path of a shell script, relative to the lab folder, fed through stdin."),
    timeoutSeconds: Seconds("Time limit for the script.", 600).optional(),
  })
  .strict()
  .refine((s) => (s.run === undefined) !== (s.file === undefined), {
    error: "give exactly one of `run:` (inline script) or `file:` (path to a script)",
  });

/** A script: inline text, or an object naming a host, an inline `run` or a `file`, a timeout. */
export const ScriptRef = z
  .union([z.string().min(1), ScriptObject])
  .describe(
    "A bash script: inline text, or {host, run | file, timeoutSeconds}. Scripts are fed " +
      "through stdin, so nothing a learner can edit inside the host is executed.",
  );

const WrongSolution = z
  .object({
    name: z.string().min(1).describe("What mistake this fixture plays, e.g. 'replica of redis-2'."),
    script: ScriptRef.describe("Leaves the environment in a plausible but wrong state."),
    revert: ScriptRef.optional().describe(
      "Undoes the fixture so the next fixture and the solve start from the step's own state.",
    ),
  })
  .strict();

export const StepSchema = z
  .object({
    id: Name.describe("Step id, unique in the lab; lessons reference it."),
    title: LocalizedText.describe("Short title of the step."),
    setup: ScriptRef.optional().describe("Runs when the step begins (before the learner acts)."),
    check: ScriptRef.optional().describe(
      "Exits 0 when the step is done. On failure prints a message for the learner, and may " +
        "print `expected: ...` and `actual: ...` lines shown side by side. Runs behind the " +
        "check-script library labs/lib/check.sh, with $ARCHLAB_LANG set to the learner's " +
        'language (zh or en): `fail "English" "中文"` prints the message in that language and ' +
        'exits 1 (`fail EN ZH EXPECTED ACTUAL` adds expected/actual lines); `msg "English" "中文"` ' +
        'a line of context; `pass ["English" "中文"]` exits 0; `expect_eq "what" "什么" EXPECTED ' +
        "ACTUAL` fails when they differ; `t EN ZH` is the text alone; `http_get URL` / " +
        "`http_fetch URL` probe HTTP; `lb_send URL N` + `lb_count NAME` count which instance " +
        "answered. The file documents every helper. A lab's own helpers go in its " +
        "checks/lib.sh, which runs before each of its checks (after the library).",
    ),
    solve: ScriptRef.optional().describe(
      "What a correct learner would type; `archlab solve` and verify run it. Required, except " +
        "in imported labs (a scenario step may give no {{exec}} block).",
    ),
    hints: z.array(LocalizedText).default([]).describe("Hints, revealed one at a time."),
    wrong: z
      .array(WrongSolution)
      .default([])
      .describe(
        "Wrong-solution fixtures: each must make the check fail (at least one, except in " +
          "imported labs).",
      ),
    ungraded: z
      .boolean()
      .optional()
      .describe(
        "A reading step without a check (imported labs only): shown as ungraded, and counted " +
          "as ungraded, never passed, by `archlab verify`.",
      ),
  })
  .strict();

/** A Kubernetes cluster in the environment; expands to the hosts `cp` and `node1`..`nodeN`. */
export const ClusterSchema = z
  .object({
    nodes: z
      .number({ error: "write the number of worker nodes (1-3)" })
      .int()
      .min(1, { error: "a cluster needs at least one node" })
      .max(3, { error: "at most 3 nodes: each takes about 0.6 GiB" })
      .default(2)
      .describe("Worker nodes, named node1..nodeN; the control plane is the host `cp`."),
    kubectl: z
      .record(Name, z.enum(["learner", "admin"]))
      .default({})
      .describe(
        "Hosts that get ~/.kube/config, and as whom: learner (namespace default, read-only " +
          "elsewhere, PodSecurityPolicy `restricted`) or admin (cluster admin; for graders).",
      ),
    images: z
      .array(
        z.string().regex(/^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+$/, {
          error: "write an image with its tag, e.g. shop:1.0",
        }),
      )
      .default([])
      .describe(
        "Images every node pulls from the offline registry before its kubelet starts, so the " +
          "first pods start at once and the scheduler's image locality does not pile the first " +
          "replicas onto the one node that happens to have the image.",
      ),
    nodeNames: z
      .array(Name)
      .optional()
      .describe(
        "Names of the nodes, one per node (default node1..nodeN); e.g. [node01] for scenarios " +
          "imported from Killercoda.",
      ),
    nodeMemory: Size.default("1536m").describe("Memory limit of each node."),
    controlPlaneMemory: Size.default("1g").describe("Memory limit of the control plane."),
    readyTimeoutSeconds: Seconds(
      "How long the cluster may take to have every node Ready and its system pods running.",
      900,
    )
      .default(600)
      .optional(),
  })
  .strict()
  .describe(
    "A real Kubernetes 1.20 cluster (control plane `cp`, nodes node1..nodeN) built offline; " +
      "ready when every node is Ready and the system pods run.",
  );

export const LabSchema = z
  .object({
    $schema: z.string().optional().describe("Path to lab.schema.json, for editors."),
    format: z
      .literal(1, { error: "write `format: 1` (the only lab format so far)" })
      .describe("Version of the lab format; 1 is the only one so far."),
    id: Name.describe("Lab id: must equal the name of the lab's folder."),
    title: LocalizedText.describe("Title of the lab."),
    summary: LocalizedText.optional().describe("One or two sentences on what the learner builds."),
    durationMinutes: z.number().int().positive().optional().describe("Typical time to finish."),
    requires: z
      .object({
        commands: z
          .array(z.string().min(1))
          .default([])
          .describe(
            "Commands the server's machine must have (e.g. kind); else the lab is skipped.",
          ),
        images: z
          .array(
            z.string().regex(/^[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127})?$/, {
              error:
                "write an image reference such as `docker.io/istio/pilot:1.13.9` (lowercase " +
                "name, optional `:tag`)",
            }),
          )
          .default([])
          .describe(
            "Images the local engine must hold (e.g. docker.io/istio/pilot:1.13.9), for labs " +
              "whose images cannot be built offline; else the lab is skipped, with how to load them.",
          ),
      })
      .strict()
      .optional()
      .describe(
        "What the machine must offer; `archlab verify` skips the lab, with the reason, if not.",
      ),
    networks: z
      .array(Name)
      .min(1)
      .default(["lab"])
      .describe("Networks of the environment; each is a private bridge network."),
    cluster: ClusterSchema.optional(),
    imported: z
      .object({
        format: z.enum(["killercoda", "katacoda"]).describe("The scenario format."),
        source: z.string().min(1).describe("The scenario folder it was imported from."),
        lang: z.enum(["zh", "en"]).describe("The scenario's language."),
      })
      .strict()
      .optional()
      .describe(
        "Set by `archlab import`: steps may be ungraded, have no solve and no wrong-solution " +
          "fixtures (a scenario has none).",
      ),
    hosts: z
      .record(Name, HostSchema)
      .refine((h) => Object.keys(h).length > 0, { error: "declare at least one host" })
      .describe("The machines of the environment, by host name (their DNS name in the lab)."),
    workstation: Name.describe(
      "Host the learner's terminal opens on; default host for setup, solve and fixtures.",
    ),
    grader: Name.optional().describe(
      "Default host for checks (default: the workstation). Prefer a host with terminal: false.",
    ),
    tabs: z.array(Name).optional().describe("Extra terminal tabs, by host name."),
    steps: z.array(StepSchema).min(1).describe("The ordered steps of the lab."),
  })
  .strict()
  .superRefine((lab, ctx) => {
    // What every native step needs; imported scenarios may lack it (see `imported`).
    lab.steps.forEach((step, i) => {
      const at = (field: string) => ["steps", i, field];
      if (step.ungraded) {
        if (!lab.imported)
          ctx.addIssue({
            code: "custom",
            path: at("ungraded"),
            message: "only imported labs may have ungraded steps: give the step a check",
          });
        return;
      }
      if (step.check === undefined)
        ctx.addIssue({ code: "custom", path: at("check"), message: "missing: add `check:`" });
      if (lab.imported) return;
      if (step.solve === undefined)
        ctx.addIssue({ code: "custom", path: at("solve"), message: "missing: add `solve:`" });
      if (step.wrong.length === 0)
        ctx.addIssue({
          code: "custom",
          path: at("wrong"),
          message: "add at least one wrong-solution fixture that the check must reject",
        });
    });
    if (lab.cluster?.nodeNames && lab.cluster.nodeNames.length !== lab.cluster.nodes)
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "nodeNames"],
        message: `name each of the ${lab.cluster.nodes} nodes once`,
      });
  })
  .describe("An archlab lab: an environment of real hosts and ordered, auto-graded steps.");

export type Lab = z.infer<typeof LabSchema>;
export type Host = z.infer<typeof HostSchema>;
export type Step = z.infer<typeof StepSchema>;
export type Cluster = z.infer<typeof ClusterSchema>;
export type ScriptRefInput = z.infer<typeof ScriptRef>;
export type LocalizedTextValue = z.infer<typeof LocalizedText>;

/** The JSON Schema that editors use to autocomplete and check lab.yaml. */
export function labJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(LabSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  // The superRefine above, for editors: a native lab's steps need check, solve and a fixture.
  schema["if"] = { not: { required: ["imported"] } };
  schema["then"] = {
    properties: {
      steps: {
        description: "The ordered steps of the lab.",
        items: {
          required: ["id", "title", "check", "solve", "wrong"],
          properties: {
            wrong: {
              description: "Wrong-solution fixtures: each must make the check fail.",
              minItems: 1,
            },
          },
        },
      },
    },
  };
  return schema;
}
