// Finds the project's labs and images on disk: `labs/<id>/lab.yaml`, `infra/images/<name>/`.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadLab, LabError, type LoadedLab, type LabProblem } from "./loader.ts";
import { closest } from "./suggest.ts";

/** The project's root folder (where package.json is), whatever the current directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface CatalogPaths {
  labsDir: string;
  imagesDir: string;
}

/** Where the lessons (lessons/<lang>/*.mdx) live. */
export const LESSONS_DIR = path.join(PROJECT_ROOT, "lessons");

export const DEFAULT_PATHS: CatalogPaths = {
  labsDir: path.join(PROJECT_ROOT, "labs"),
  imagesDir: path.join(PROJECT_ROOT, "infra/images"),
};

function subdirectories(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function imageNames(paths: CatalogPaths = DEFAULT_PATHS): string[] {
  return subdirectories(paths.imagesDir).filter((n) =>
    existsSync(path.join(paths.imagesDir, n, "Dockerfile")),
  );
}

export function labIds(paths: CatalogPaths = DEFAULT_PATHS): string[] {
  return subdirectories(paths.labsDir).filter((n) =>
    existsSync(path.join(paths.labsDir, n, "lab.yaml")),
  );
}

export class UnknownLabError extends Error {
  constructor(id: string, known: string[]) {
    const guess = closest(id, known);
    super(
      `unknown lab "${id}"` +
        (guess ? ` (did you mean "${guess}"?)` : "") +
        `; known labs: ${known.join(", ") || "none"}`,
    );
    this.name = "UnknownLabError";
  }
}

export function loadLabById(id: string, paths: CatalogPaths = DEFAULT_PATHS): LoadedLab {
  const known = labIds(paths);
  if (!known.includes(id)) throw new UnknownLabError(id, known);
  const file = path.join(paths.labsDir, id, "lab.yaml");
  return loadLab(file, {
    imageNames: imageNames(paths),
    displayPath: path.relative(process.cwd(), file) || file,
  });
}

/** Loads every lab; returns the good ones and every problem of the bad ones. */
export function loadAllLabs(paths: CatalogPaths = DEFAULT_PATHS): {
  labs: LoadedLab[];
  problems: LabProblem[];
} {
  const labs: LoadedLab[] = [];
  const problems: LabProblem[] = [];
  for (const id of labIds(paths)) {
    try {
      labs.push(loadLabById(id, paths));
    } catch (err) {
      if (err instanceof LabError) problems.push(...err.problems);
      else throw err;
    }
  }
  return { labs, problems };
}
