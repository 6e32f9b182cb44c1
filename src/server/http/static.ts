// Serves the built course site (Astro's output folder), never anything outside it.
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
};

/** The file for a URL path inside `root` (index.html for folders), or undefined. */
export function resolveStatic(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0] ?? "/");
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const full = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (full !== root && !full.startsWith(root + path.sep)) return undefined;
  for (const candidate of [full, path.join(full, "index.html"), `${full}.html`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  const file = resolveStatic(root, req.url ?? "/");
  if (!file) {
    const notFound = path.join(root, "404.html");
    res.writeHead(404, { "content-type": TYPES[".html"] as string });
    if (existsSync(notFound)) createReadStream(notFound).pipe(res);
    else res.end("<h1>404</h1><p>Not found. Is the site built? Run <code>npm start</code>.</p>");
    return;
  }
  const headers: Record<string, string> = {
    "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
    "x-content-type-options": "nosniff",
  };
  // Astro fingerprints everything under /_astro/: cache it for good.
  headers["cache-control"] = file.includes(`${path.sep}_astro${path.sep}`)
    ? "public, max-age=31536000, immutable"
    : "no-cache";
  res.writeHead(200, headers);
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
}
