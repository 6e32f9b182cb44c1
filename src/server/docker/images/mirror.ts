// Which Debian mirror this machine uses, read from its apt sources (never hard-coded): the
// root filesystem is bootstrapped from it and images install their packages from it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** URIs of `deb` sources for `suite` in a deb822 `.sources` file. */
export function mirrorsFromDeb822(text: string, suite: string): string[] {
  const out: string[] = [];
  for (const block of text.replace(/\r/g, "").split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("#") || line.trim() === "") continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) {
        last = (m[1] as string).toLowerCase();
        fields.set(last, m[2] as string);
      } else if (/^\s/.test(line) && last) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
      }
    }
    if (fields.get("enabled")?.toLowerCase() === "no") continue;
    const types = (fields.get("types") ?? "").split(/\s+/);
    const suites = (fields.get("suites") ?? "").split(/\s+/);
    if (types.includes("deb") && suites.includes(suite)) {
      out.push(...(fields.get("uris") ?? "").split(/\s+/).filter(Boolean));
    }
  }
  return out;
}

/** URIs of `deb` lines for `suite` in a one-line-style `sources.list`. */
export function mirrorsFromList(text: string, suite: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw
      .replace(/#.*/, "")
      .replace(/\[[^\]]*\]/, "")
      .trim();
    const [type, uri, lineSuite] = line.split(/\s+/);
    if (type === "deb" && uri && lineSuite === suite) out.push(uri);
  }
  return out;
}

export class NoMirrorError extends Error {
  constructor(suite: string) {
    super(
      `no Debian mirror for "${suite}" found in /etc/apt/sources.list or /etc/apt/sources.list.d/; ` +
        `set ARCHLAB_DEBIAN_MIRROR to one (e.g. the URI of your local mirror)`,
    );
  }
}

/** The machine's Debian mirror for `suite`; ARCHLAB_DEBIAN_MIRROR overrides. */
export function debianMirror(suite = "bookworm", aptDir = "/etc/apt"): string {
  const override = process.env.ARCHLAB_DEBIAN_MIRROR;
  if (override) return override;
  const found: string[] = [];
  const list = path.join(aptDir, "sources.list");
  if (existsSync(list)) found.push(...mirrorsFromList(readFileSync(list, "utf8"), suite));
  const dir = path.join(aptDir, "sources.list.d");
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const text = readFileSync(path.join(dir, name), "utf8");
      if (name.endsWith(".sources")) found.push(...mirrorsFromDeb822(text, suite));
      else if (name.endsWith(".list")) found.push(...mirrorsFromList(text, suite));
    }
  }
  const mirror = found.find((u) => /^https?:\/\//.test(u));
  if (!mirror) throw new NoMirrorError(suite);
  return mirror;
}
