// Build-time access to the labs for Astro components (paths from the project root, where the
// build runs; the bundled module's own location is not the source tree).
import path from "node:path";
import { loadLabById } from "../lab/catalog.ts";
import type { LoadedLab } from "../lab/loader.ts";

const cache = new Map<string, LoadedLab>();

export function labFor(id: string): LoadedLab {
  let lab = cache.get(id);
  if (!lab) {
    lab = loadLabById(id, {
      labsDir: path.resolve("labs"),
      imagesDir: path.resolve("infra/images"),
    });
    cache.set(id, lab);
  }
  return lab;
}
