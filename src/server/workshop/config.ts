// What a workshop is: which labs, how many seats, how long each learner's session lasts, when an
// idle environment is removed, and the warm pool. Read from a YAML file and/or CLI options;
// every field is validated with a message that says what to write instead.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { closest } from "../../lab/suggest.ts";
import { parseDuration } from "../../lab/units.ts";
import { parseSize } from "../provisioner/spec.ts";
import { REQUEST_ID_RE } from "../../protocol/ids.ts";

const Duration = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, { error: 'write a duration such as "90s", "45m" or "2h"' })
  .describe('A duration: a number with s, m, h or d, e.g. "2h".');

const Size = z
  .string()
  .regex(/^\d+(k|m|g)$/i, { error: 'write a size such as "512m" or "8g"' })
  .describe('A memory size: a number with k, m or g, e.g. "8g".');

export const WorkshopConfigSchema = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .default("archlab workshop")
      .describe("Shown to learners."),
    labs: z
      .array(z.string().regex(REQUEST_ID_RE, { error: "a lab id such as docker-basics" }))
      .min(1, { error: "name at least one lab, e.g. labs: [docker-basics]" })
      .describe("Lab ids learners may start (the first one's lesson is where they land)."),
    seats: z
      .int({ error: "seats is a whole number, e.g. 30" })
      .min(1, { error: "seats is at least 1" })
      .max(500, { error: "seats is at most 500" })
      .default(30)
      .describe("Most learners in the room."),
    session: Duration.default("3h").describe("How long each learner's seat lasts from joining."),
    idle: Duration.default("30m").describe(
      "Remove a learner's environments after this long without activity (progress is kept).",
    ),
    pool: z
      .strictObject({
        size: z
          .int()
          .min(0)
          .max(50)
          .default(0)
          .describe("Ready environments kept per lab for learners who join."),
        memory: Size.default("8g").describe(
          "Memory (sum of host limits) the pool may add on top of running environments.",
        ),
      })
      .default({ size: 0, memory: "8g" }),
    host: z.string().default("0.0.0.0").describe("Address to bind; the room must reach it."),
    port: z.int().min(0).max(65535).default(4321),
    tls: z
      .union(
        [
          z.boolean(),
          z.strictObject({
            cert: z.string().min(1).describe("PEM certificate file (relative to this file)."),
            key: z.string().min(1).describe("PEM private key file of that certificate."),
          }),
        ],
        { error: "write tls: true (a self-signed certificate) or tls: {cert: FILE, key: FILE}" },
      )
      .default(false)
      .describe("Serve HTTPS and WSS: true makes a self-signed certificate; or name your own."),
  })
  .describe("An archlab workshop (archlab workshop --config <file>).");

export type WorkshopConfigInput = z.input<typeof WorkshopConfigSchema>;

/** The config with durations and sizes in numbers. */
export interface WorkshopConfig {
  name: string;
  labs: string[];
  seats: number;
  sessionMs: number;
  idleMs: number;
  pool: { size: number; memoryBytes: number };
  host: string;
  port: number;
  /** false: plain HTTP; true: a self-signed certificate; or certificate and key files. */
  tls?: false | true | { cert: string; key: string };
}

export class WorkshopConfigError extends Error {}

const LABS_HINT = "name the labs as a list, e.g. labs: [docker-basics] (or --labs docker-basics)";

function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((i) => {
      const field = i.path.join(".");
      // A missing or mistyped labs key deserves the example, not zod's type error.
      const message = field === "labs" && i.code === "invalid_type" ? LABS_HINT : i.message;
      return `${source}: ${field || "(top level)"}: ${message}`;
    })
    .join("\n");
}

/** Validates raw settings (file contents merged with CLI options). */
export function parseWorkshopConfig(raw: unknown, source = "workshop"): WorkshopConfig {
  const result = WorkshopConfigSchema.safeParse(raw);
  if (!result.success) throw new WorkshopConfigError(describeIssues(result.error, source));
  const c = result.data;
  return {
    name: c.name,
    labs: [...new Set(c.labs)],
    seats: c.seats,
    sessionMs: parseDuration(c.session),
    idleMs: parseDuration(c.idle),
    pool: { size: c.pool.size, memoryBytes: parseSize(c.pool.memory) },
    host: c.host,
    port: c.port,
    tls: c.tls,
  };
}

/** Reads a YAML workshop file; CLI options given explicitly win over the file. */
export function loadWorkshopConfig(
  file: string | undefined,
  overrides: Record<string, unknown>,
): WorkshopConfig {
  let fromFile: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new WorkshopConfigError(`cannot read ${file}: ${(err as Error).message}`);
    }
    const parsed: unknown = parseYaml(text);
    if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed)))
      throw new WorkshopConfigError(`${file}: expected a mapping such as "labs: [docker-basics]"`);
    fromFile = (parsed ?? {}) as Record<string, unknown>;
    // Certificate files are named relative to the workshop file.
    const tls = fromFile.tls as { cert?: unknown; key?: unknown } | undefined;
    if (tls && typeof tls === "object") {
      const dir = path.dirname(path.resolve(file));
      const resolved: Record<string, unknown> = { ...tls };
      for (const k of ["cert", "key"] as const) {
        const v = tls[k];
        if (typeof v === "string" && v) resolved[k] = path.resolve(dir, v);
      }
      fromFile.tls = resolved;
    }
  }
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    if (k === "poolSize" || k === "poolMemory") {
      const pool = { ...((merged.pool as Record<string, unknown> | undefined) ?? {}) };
      pool[k === "poolSize" ? "size" : "memory"] = v;
      merged.pool = pool;
    } else merged[k] = v;
  }
  return parseWorkshopConfig(merged, file ?? "workshop options");
}

/** Refuses a lab id that does not exist, naming the closest one and every known lab. */
export function assertKnownLabs(ids: string[], known: string[]): void {
  for (const id of ids) {
    if (known.includes(id)) continue;
    const guess = closest(id, known);
    throw new WorkshopConfigError(
      `the workshop names an unknown lab "${id}"${guess ? ` (did you mean "${guess}"?)` : ""}; known labs: ${known.join(", ")}`,
    );
  }
}
