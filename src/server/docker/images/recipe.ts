// What the images are: each folder of infra/images with its Dockerfile, the archlab images it
// builds FROM, the names it is published under, and a tag derived from its content (so an
// unchanged image is never rebuilt, and a changed parent rebuilds its children).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { closest } from "../../../lab/suggest.ts";

/** The Debian root filesystem every image stands on; not a folder, made by rootfs.ts. */
export const ROOTFS = "rootfs";
export const REPOSITORY_PREFIX = "archlab/";
/** Names the root filesystem is published under in the offline registry. */
export const ROOTFS_PUBLISH = ["debian:bookworm-slim", "debian:bookworm", "debian:12"];
/** Bump to rebuild everything (changes every hash). */
const RECIPE_VERSION = "1";
export const ROOTFS_RECIPE = `debian bookworm minbase, apt caches emptied, v${RECIPE_VERSION}`;

export interface DockerfileInstruction {
  line: number;
  text: string;
}

export interface ImageRecipe {
  name: string;
  dir: string;
  dockerfile: string;
  /** archlab images this one is built FROM (ROOTFS or other folder names). */
  parents: string[];
  /** Public names pushed to the offline registry, e.g. "redis:7". */
  publishAs: string[];
  /**
   * File name under which the build context gets this machine's CA bundle (`# host-ca: F`),
   * for builds that reach a TLS service the machine trusts (npm behind a proxy's CA). Not part
   * of the content hash: like the Debian mirror, the trust store belongs to the machine.
   */
  hostCa?: string;
}

const FROM_ARCHLAB = /^FROM\s+archlab\/([a-z0-9-]+)(?::\S+)?/i;

/** The instructions of a Dockerfile with the line each starts on (continuations joined). */
export function dockerfileInstructions(text: string): DockerfileInstruction[] {
  const out: DockerfileInstruction[] = [];
  let current: DockerfileInstruction | undefined;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!current && (line === "" || line.startsWith("#"))) return;
    if (current && line.startsWith("#")) return;
    const continues = line.endsWith("\\");
    const part = continues ? line.slice(0, -1).trim() : line;
    if (current) current.text += ` ${part}`;
    else current = { line: i + 1, text: part };
    if (!continues) {
      out.push(current);
      current = undefined;
    }
  });
  if (current) out.push(current);
  return out;
}

export function parseRecipe(name: string, dir: string, dockerfile: string): ImageRecipe {
  const parents = dockerfileInstructions(dockerfile)
    .map((ins) => FROM_ARCHLAB.exec(ins.text)?.[1])
    .filter((p): p is string => p !== undefined);
  const publishLine = /^#\s*publish:\s*(.+)$/m.exec(dockerfile);
  const publishAs = publishLine ? (publishLine[1] as string).trim().split(/\s+/) : [];
  const hostCaLine = /^#[ \t]*host-ca:[ \t]*(.*)$/m.exec(dockerfile);
  if (!hostCaLine) return { name, dir, dockerfile, parents, publishAs };
  const hostCa = (hostCaLine[1] as string).trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(hostCa)) {
    throw new Error(
      `infra/images/${name}/Dockerfile: "# host-ca:" wants a plain file name for the CA bundle ` +
        `in the build context, like "# host-ca: host-ca.crt" (got "${hostCa}")`,
    );
  }
  return { name, dir, dockerfile, parents, publishAs, hostCa };
}

export class UnknownImageError extends Error {
  constructor(name: string, known: string[]) {
    const guess = closest(name, known);
    super(
      `unknown image "${name}"` +
        (guess ? ` (did you mean "${guess}"?)` : "") +
        `; images in infra/images: ${known.join(", ")}`,
    );
  }
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? filesUnder(full, base) : [path.relative(base, full)];
    });
}

/** All recipes of `imagesDir`, by name. */
export function readRecipes(imagesDir: string): Map<string, ImageRecipe> {
  const recipes = new Map<string, ImageRecipe>();
  for (const entry of readdirSync(imagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(imagesDir, entry.name);
    let dockerfile: string;
    try {
      dockerfile = readFileSync(path.join(dir, "Dockerfile"), "utf8");
    } catch {
      continue;
    }
    recipes.set(entry.name, parseRecipe(entry.name, dir, dockerfile));
  }
  return recipes;
}

/**
 * The build order for `wanted` (all images when empty): every parent before its children.
 * Throws on unknown names and on cycles.
 */
export function buildOrder(recipes: Map<string, ImageRecipe>, wanted: string[]): ImageRecipe[] {
  const known = [...recipes.keys()];
  const order: ImageRecipe[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, chain: string[]) => {
    if (name === ROOTFS || state.get(name) === "done") return;
    const recipe = recipes.get(name);
    if (!recipe) throw new UnknownImageError(name, known);
    if (state.get(name) === "visiting") {
      throw new Error(`images build FROM each other in a cycle: ${[...chain, name].join(" -> ")}`);
    }
    state.set(name, "visiting");
    recipe.parents.forEach((p) => visit(p, [...chain, name]));
    state.set(name, "done");
    order.push(recipe);
  };
  (wanted.length > 0 ? wanted : known.sort()).forEach((n) => visit(n, []));
  return order;
}

/** Content hashes (12 hex digits) of every recipe, each including its parents' hashes. */
export function contentHashes(recipes: Map<string, ImageRecipe>): Map<string, string> {
  const hashes = new Map<string, string>();
  hashes.set(ROOTFS, createHash("sha256").update(ROOTFS_RECIPE).digest("hex").slice(0, 12));
  for (const recipe of buildOrder(recipes, [])) {
    const h = createHash("sha256").update(`recipe v${RECIPE_VERSION}\n`);
    for (const parent of recipe.parents) h.update(`parent ${parent} ${hashes.get(parent)}\n`);
    for (const file of filesUnder(recipe.dir)) {
      h.update(`file ${file}\n`).update(readFileSync(path.join(recipe.dir, file)));
    }
    hashes.set(recipe.name, h.digest("hex").slice(0, 12));
  }
  return hashes;
}

export function imageRef(name: string, hash: string): string {
  return `${REPOSITORY_PREFIX}${name}:${hash}`;
}

/** The Dockerfile as sent to the engine: `FROM archlab/x` pinned to x's content tag. */
export function pinParents(dockerfile: string, hashes: Map<string, string>): string {
  return dockerfile.replace(/^(\s*FROM\s+)archlab\/([a-z0-9-]+)(?::\S+)?/gim, (_m, from, name) => {
    const hash = hashes.get(name);
    if (!hash) throw new Error(`Dockerfile builds FROM archlab/${name}, which is not an image`);
    return `${from}${imageRef(name, hash)}`;
  });
}
