// The istio lab cannot run here (its images are missing), so a typo in its Istio resources would
// wait for an online run. This test checks every Istio document of labs/istio (the solves' and
// fixtures' heredocs, and manifests/ when present) against zod schemas of the fields the lab uses,
// written from Istio 1.13's API reference (networking.istio.io/v1beta1, security.istio.io/v1beta1):
// no npm package carrying Istio's CRD schemas was evaluated in this session.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { PROJECT_ROOT } from "./catalog.ts";

const Meta = z.object({ name: z.string().min(1), namespace: z.string().optional() }).strict();
const Destination = z
  .object({
    host: z.string().min(1),
    subset: z.string().optional(),
    port: z.object({ number: z.number() }).strict().optional(),
  })
  .strict();
const Percent = z.object({ value: z.number().min(0).max(100) }).strict();
const HttpRoute = z
  .object({
    match: z
      .array(z.object({ uri: z.object({ prefix: z.string() }).strict().optional() }).strict())
      .optional(),
    route: z
      .array(
        z
          .object({ destination: Destination, weight: z.number().int().min(0).max(100).optional() })
          .strict(),
      )
      .min(1),
    timeout: z
      .string()
      .regex(/^\d+(\.\d+)?(ms|s)$/)
      .optional(),
    retries: z
      .object({
        attempts: z.number().int(),
        perTryTimeout: z.string().optional(),
        retryOn: z.string().optional(),
      })
      .strict()
      .optional(),
    fault: z
      .object({
        abort: z.object({ percentage: Percent, httpStatus: z.number().int() }).strict().optional(),
        delay: z.object({ percentage: Percent, fixedDelay: z.string() }).strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
const Subset = z
  .object({ name: z.string().min(1), labels: z.record(z.string(), z.string()) })
  .strict();
const Kinds = {
  VirtualService: z
    .object({ hosts: z.array(z.string()).min(1), http: z.array(HttpRoute).min(1) })
    .strict(),
  DestinationRule: z
    .object({
      host: z.string().min(1),
      subsets: z.array(Subset).optional(),
      trafficPolicy: z
        .object({
          outlierDetection: z
            .object({
              consecutive5xxErrors: z.number().int().optional(),
              interval: z.string().optional(),
              baseEjectionTime: z.string().optional(),
              maxEjectionPercent: z.number().optional(),
            })
            .strict()
            .optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  PeerAuthentication: z
    .object({
      mtls: z.object({ mode: z.enum(["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]) }).strict(),
    })
    .strict(),
};
const Group: Record<string, string> = {
  VirtualService: "networking.istio.io/v1beta1",
  DestinationRule: "networking.istio.io/v1beta1",
  PeerAuthentication: "security.istio.io/v1beta1",
};

/** Problems of one Istio document; subsets are checked against the lab's DestinationRules. */
export function istioProblems(doc: unknown, subsets: Set<string>): string[] {
  const d = doc as {
    apiVersion?: string;
    kind?: keyof typeof Kinds;
    metadata?: unknown;
    spec?: unknown;
  };
  if (!d.kind || !(d.kind in Kinds)) return [`unknown kind ${String(d.kind)}`];
  const out: string[] = [];
  if (d.apiVersion !== Group[d.kind]) out.push(`${d.kind}: apiVersion must be ${Group[d.kind]}`);
  const m = Meta.safeParse(d.metadata);
  if (!m.success)
    out.push(...m.error.issues.map((i) => `${d.kind}.metadata.${i.path.join(".")}: ${i.message}`));
  const r = Kinds[d.kind].safeParse(d.spec);
  if (!r.success)
    out.push(...r.error.issues.map((i) => `${d.kind}.spec.${i.path.join(".")}: ${i.message}`));
  if (r.success && d.kind === "VirtualService") {
    for (const route of (r.data as z.infer<(typeof Kinds)["VirtualService"]>).http)
      for (const { destination } of route.route)
        if (destination.subset && !subsets.has(destination.subset))
          out.push(`VirtualService: subset ${destination.subset} is defined by no DestinationRule`);
  }
  return out;
}

/** The YAML documents of labs/istio: heredocs (<<'YAML' ... YAML) of lab.yaml and manifests/. */
function labDocuments(dir: string): unknown[] {
  const texts: string[] = [];
  const lab = readFileSync(path.join(dir, "lab.yaml"), "utf8");
  for (const m of lab.matchAll(/<<'YAML'\n([\s\S]*?)\n\s*YAML\n/g)) {
    const lines = m[1]!.split("\n");
    const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.search(/\S/)));
    texts.push(lines.map((l) => l.slice(indent)).join("\n"));
  }
  const manifests = path.join(dir, "manifests");
  if (existsSync(manifests))
    for (const f of readdirSync(manifests).filter((f) => /\.ya?ml$/.test(f)))
      texts.push(readFileSync(path.join(manifests, f), "utf8"));
  return texts.flatMap((t) => parseAllDocuments(t).map((d) => d.toJS() as unknown));
}

const istioDir = path.join(PROJECT_ROOT, "labs", "istio");

describe.runIf(existsSync(istioDir))("labs/istio's Istio resources", () => {
  it("match Istio 1.13's schemas", () => {
    const docs = labDocuments(istioDir).filter((d) => (d as { kind?: string }).kind! in Kinds);
    expect(docs.length).toBeGreaterThan(4);
    const subsets = new Set(
      docs.flatMap((d) =>
        ((d as { spec?: { subsets?: { name: string }[] } }).spec?.subsets ?? []).map((s) => s.name),
      ),
    );
    expect(docs.flatMap((d) => istioProblems(d, subsets))).toEqual([]);
  });
});

describe("istioProblems", () => {
  const subsets = new Set(["v1", "v2"]);
  const vs = (route: unknown) => ({
    apiVersion: "networking.istio.io/v1beta1",
    kind: "VirtualService",
    metadata: { name: "shop" },
    spec: { hosts: ["shop"], http: [{ route }] },
  });
  it("accepts a weighted split", () => {
    expect(
      istioProblems(vs([{ destination: { host: "shop", subset: "v1" }, weight: 90 }]), subsets),
    ).toEqual([]);
  });
  it("refuses a misspelt field (weigth)", () => {
    expect(
      istioProblems(
        vs([{ destination: { host: "shop", subset: "v1" }, weigth: 90 }]),
        subsets,
      ).join(),
    ).toMatch(/weigth/);
  });
  it("refuses an unknown subset", () => {
    expect(
      istioProblems(vs([{ destination: { host: "shop", subset: "v3" } }]), subsets).join(),
    ).toMatch(/subset v3/);
  });
  it("refuses mtls mode STRCT", () => {
    const pa = {
      apiVersion: "security.istio.io/v1beta1",
      kind: "PeerAuthentication",
      metadata: { name: "default" },
      spec: { mtls: { mode: "STRCT" } },
    };
    expect(istioProblems(pa, subsets).join()).toMatch(/mtls\.mode/);
  });
});
