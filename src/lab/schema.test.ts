import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./catalog.ts";
import { HostSchema, LabSchema, labJsonSchema } from "./schema.ts";

type JsonSchema = {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
};

/** Every `properties` entry of the schema, as "path.to.field" -> its schema. */
function allProperties(node: unknown, at = ""): [string, JsonSchema][] {
  if (Array.isArray(node)) return node.flatMap((n) => allProperties(n, at));
  if (!node || typeof node !== "object") return [];
  const out: [string, JsonSchema][] = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === "properties" && value && typeof value === "object") {
      for (const [name, prop] of Object.entries(value as Record<string, JsonSchema>)) {
        out.push([`${at}.${name}`, prop], ...allProperties(prop, `${at}.${name}`));
      }
    } else {
      out.push(...allProperties(value, at));
    }
  }
  return out;
}

describe("labJsonSchema", () => {
  const schema = labJsonSchema() as JsonSchema;

  it("describes a lab object with hosts and steps", () => {
    expect(schema.type).toBe("object");
    expect(schema.properties).toBeDefined();
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining(["format", "id", "title", "hosts", "workstation", "grader", "steps"]),
    );
    expect(schema.required).toEqual(
      expect.arrayContaining(["format", "id", "title", "hosts", "workstation", "steps"]),
    );
    // Unknown top-level keys are errors in editors too.
    expect(schema.additionalProperties).toBe(false);
    expect(schema.description).toMatch(/archlab lab/);
  });

  it("carries the field descriptions written in schema.ts", () => {
    const props = schema.properties ?? {};
    expect(props["workstation"]?.description).toBeTruthy();
    expect(props["workstation"]?.description).toBe(LabSchema.shape.workstation.description);
    expect(props["hosts"]?.description).toMatch(/machines of the environment/);
    expect(props["steps"]?.description).toMatch(/ordered steps/);
  });

  it("describes every field of a host, with the defaults of the input format", () => {
    const host = schema.properties?.["hosts"]?.additionalProperties as JsonSchema;
    expect(host.type).toBe("object");
    const memory = host.properties?.["memory"];
    expect(memory?.default).toBe("256m");
    expect(memory?.description).toBe(HostSchema.shape.memory.description);
    expect(host.properties?.["type"]?.default).toBe("container");
    // Fields with defaults are optional when writing a lab.
    expect(host.required).toEqual(["image"]);
  });

  it("requires check, solve and wrong in a step (of a lab that is not imported)", () => {
    const step = schema.properties?.["steps"]?.items as JsonSchema;
    expect(step.required).toEqual(expect.arrayContaining(["id", "title"]));
    expect(step.required).not.toContain("hints");
    expect((schema as Record<string, unknown>)["if"]).toEqual({
      not: { required: ["imported"] },
    });
    const native = (schema as { then: { properties: { steps: { items: JsonSchema } } } }).then
      .properties.steps.items;
    expect(native.required).toEqual(["id", "title", "check", "solve", "wrong"]);
    expect(native.properties?.["wrong"]?.["minItems"]).toBe(1);
  });

  it("gives every field a description (editors show it on hover)", () => {
    const missing = allProperties(schema)
      .filter(([, prop]) => !prop.description?.trim())
      .map(([at]) => at);
    expect(missing).toEqual([]);
  });
});

describe("labs/lab.schema.json", () => {
  it("is up to date with schema.ts", () => {
    const committed = readFileSync(path.join(PROJECT_ROOT, "labs/lab.schema.json"), "utf8");
    const generated = JSON.stringify(labJsonSchema(), null, 2) + "\n";
    expect(
      committed === generated,
      "labs/lab.schema.json is stale: run `npm run schema` and commit the result",
    ).toBe(true);
  });
});

describe("requires.images", () => {
  const lab = (images: unknown) => ({
    format: 1,
    id: "mylab",
    title: { zh: "x", en: "x" },
    requires: { images },
    hosts: { ws: { image: "workstation" } },
    workstation: "ws",
    steps: [
      {
        id: "one",
        title: { zh: "s", en: "s" },
        check: "true",
        solve: "true",
        wrong: [{ name: "none", script: "true" }],
      },
    ],
  });

  it("accepts image references with a registry and a tag", () => {
    const r = LabSchema.safeParse(lab(["docker.io/istio/pilot:1.13.9", "shop"]));
    expect(r.success ? r.data.requires?.images : r.error.issues).toEqual([
      "docker.io/istio/pilot:1.13.9",
      "shop",
    ]);
  });

  it("refuses a malformed reference with a clear text", () => {
    const r = LabSchema.safeParse(lab(["Docker.io/Istio pilot"]));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      expect.stringContaining("write an image reference"),
    ]);
  });
});
