// `archlab site build`: builds the course site with Astro's programmatic API. (Astro 6.0's
// `astro` launcher refuses Node 20 by a hard-coded check although the package supports
// ^20.19.1; the API has no such gate. See docs/architecture.md.)
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { loadAllLabs, PROJECT_ROOT } from "../../lab/catalog.ts";
import { lintLessons } from "../../lab/lessons.ts";
import { formatProblem } from "../../lab/loader.ts";

export const SITE_DIR = path.join(PROJECT_ROOT, "dist");
const SOURCES = ["src", "lessons", "labs", "public", "astro.config.mjs"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((e) => newestMtime(path.join(p, e))));
}

/** Whether dist/ is missing or older than any of its sources. */
export function siteIsStale(): boolean {
  const built = path.join(SITE_DIR, "index.html");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(PROJECT_ROOT, s)) > builtAt);
}

export async function buildSite(): Promise<void> {
  // Astro's own frontmatter errors do not name the file; ours do.
  const lessonsDir = path.join(PROJECT_ROOT, "lessons");
  const broken = lintLessons(lessonsDir, loadAllLabs().labs).filter((p) =>
    p.file.includes("lessons"),
  );
  if (broken.length > 0)
    throw new Error(`lessons have problems:\n${broken.map(formatProblem).join("\n")}`);
  const { build } = await import("astro");
  await build({ root: PROJECT_ROOT, logLevel: "warn" });
}

export function registerSite(program: Command): void {
  const site = program.command("site").description("the course site (Astro)");
  site
    .command("build")
    .description("build the site into dist/")
    .action(async () => {
      await buildSite();
      console.log(`site built in ${path.relative(process.cwd(), SITE_DIR) || SITE_DIR}`);
    });
}
