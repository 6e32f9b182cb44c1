import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { debianMirror, mirrorsFromDeb822, mirrorsFromList, NoMirrorError } from "./mirror.ts";

describe("mirrorsFromDeb822", () => {
  const sources = [
    "# Debian's own mirror",
    "Types: deb",
    "URIs: http://deb.debian.org/debian",
    "Suites: bookworm bookworm-updates",
    "Components: main",
    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
    "",
    "Types: deb",
    "URIs: http://security.debian.org/debian-security",
    "Suites: bookworm-security",
    "Components: main",
    "",
    "Types: deb-src",
    "URIs: http://src.example.org/debian",
    "Suites: bookworm",
    "Components: main",
    "",
    "Types: deb",
    "URIs: http://disabled.example.org/debian",
    "Suites: bookworm",
    "Enabled: no",
    "",
  ].join("\n");

  it("returns the URIs of enabled deb blocks for the suite", () => {
    expect(mirrorsFromDeb822(sources, "bookworm")).toEqual(["http://deb.debian.org/debian"]);
  });

  it("matches a suite anywhere in a block's Suites list, and only whole names", () => {
    expect(mirrorsFromDeb822(sources, "bookworm-updates")).toEqual([
      "http://deb.debian.org/debian",
    ]);
    expect(mirrorsFromDeb822(sources, "bookworm-security")).toEqual([
      "http://security.debian.org/debian-security",
    ]);
    expect(mirrorsFromDeb822(sources, "book")).toEqual([]);
    expect(mirrorsFromDeb822(sources, "trixie")).toEqual([]);
  });

  it("ignores deb-src blocks and blocks with Enabled: no (any case)", () => {
    const text = [
      "Types: deb-src",
      "URIs: http://src.example.org/debian",
      "Suites: bookworm",
      "",
      "Types: deb",
      "URIs: http://off.example.org/debian",
      "Suites: bookworm",
      "Enabled: No",
    ].join("\n");
    expect(mirrorsFromDeb822(text, "bookworm")).toEqual([]);
  });

  it("takes a block with both deb and deb-src types", () => {
    const text = "Types: deb deb-src\nURIs: http://m.example.org/debian\nSuites: bookworm\n";
    expect(mirrorsFromDeb822(text, "bookworm")).toEqual(["http://m.example.org/debian"]);
  });

  it("joins continuation lines and returns every URI of the block", () => {
    const text = [
      "Types: deb",
      "URIs: http://a.example.org/debian",
      "  http://b.example.org/debian",
      "Suites: bullseye",
      " bookworm",
      "Components: main",
    ].join("\n");
    expect(mirrorsFromDeb822(text, "bookworm")).toEqual([
      "http://a.example.org/debian",
      "http://b.example.org/debian",
    ]);
  });

  it("treats field names case-insensitively and separates blocks on blank-looking lines", () => {
    const text =
      "types: deb\nuris: http://a.example.org/debian\nsuites: bookworm\n   \n" +
      "Types: deb\nURIs: http://b.example.org/debian\nSuites: bookworm\n";
    expect(mirrorsFromDeb822(text, "bookworm")).toEqual([
      "http://a.example.org/debian",
      "http://b.example.org/debian",
    ]);
  });
});

describe("mirrorsFromList", () => {
  it("reads one-line deb entries for the suite, with options and comments", () => {
    const text = [
      "# the main mirror",
      "deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://a.example.org/debian bookworm main",
      "deb http://b.example.org/debian bookworm main contrib # trailing comment",
      "# deb http://commented.example.org/debian bookworm main",
      "deb-src http://src.example.org/debian bookworm main",
      "deb http://updates.example.org/debian bookworm-updates main",
      "   deb   http://c.example.org/debian   bookworm   main",
      "",
    ].join("\n");
    expect(mirrorsFromList(text, "bookworm")).toEqual([
      "http://a.example.org/debian",
      "http://b.example.org/debian",
      "http://c.example.org/debian",
    ]);
    expect(mirrorsFromList(text, "bookworm-updates")).toEqual([
      "http://updates.example.org/debian",
    ]);
  });

  it("handles options with spaces inside the brackets", () => {
    const text = "deb [ arch=amd64 trusted=yes ] http://a.example.org/debian bookworm main\n";
    expect(mirrorsFromList(text, "bookworm")).toEqual(["http://a.example.org/debian"]);
  });

  it("returns nothing for other suites or an empty file", () => {
    expect(mirrorsFromList("deb http://a.example.org/debian bullseye main\n", "bookworm")).toEqual(
      [],
    );
    expect(mirrorsFromList("", "bookworm")).toEqual([]);
  });
});

describe("debianMirror", () => {
  let aptDir: string;
  let savedOverride: string | undefined;

  beforeEach(() => {
    savedOverride = process.env.ARCHLAB_DEBIAN_MIRROR;
    delete process.env.ARCHLAB_DEBIAN_MIRROR;
    aptDir = mkdtempSync(path.join(tmpdir(), "archlab-apt-"));
    mkdirSync(path.join(aptDir, "sources.list.d"));
  });

  afterEach(() => {
    if (savedOverride === undefined) delete process.env.ARCHLAB_DEBIAN_MIRROR;
    else process.env.ARCHLAB_DEBIAN_MIRROR = savedOverride;
    rmSync(aptDir, { recursive: true, force: true });
  });

  const debianSources =
    "Types: deb\nURIs: http://mirror.example.org/debian\nSuites: bookworm bookworm-updates\n" +
    "Components: main\n";

  it("reads sources.list.d/debian.sources", () => {
    writeFileSync(path.join(aptDir, "sources.list.d", "debian.sources"), debianSources);
    expect(debianMirror("bookworm", aptDir)).toBe("http://mirror.example.org/debian");
  });

  it("reads sources.list and *.list files, ignoring other files", () => {
    writeFileSync(
      path.join(aptDir, "sources.list.d", "notes.txt"),
      "deb http://ignored.example.org/debian bookworm main\n",
    );
    writeFileSync(
      path.join(aptDir, "sources.list.d", "extra.list"),
      "deb https://list.example.org/debian bookworm main\n",
    );
    expect(debianMirror("bookworm", aptDir)).toBe("https://list.example.org/debian");
    writeFileSync(
      path.join(aptDir, "sources.list"),
      "deb http://main.example.org/debian bookworm main\n",
    );
    expect(debianMirror("bookworm", aptDir)).toBe("http://main.example.org/debian");
  });

  it("skips URIs that are not http(s), such as a cdrom or a local folder", () => {
    writeFileSync(
      path.join(aptDir, "sources.list"),
      "deb cdrom:[Debian 12]/ bookworm main\ndeb file:/srv/debian bookworm main\n",
    );
    writeFileSync(path.join(aptDir, "sources.list.d", "debian.sources"), debianSources);
    expect(debianMirror("bookworm", aptDir)).toBe("http://mirror.example.org/debian");
  });

  it("lets ARCHLAB_DEBIAN_MIRROR override the apt sources", () => {
    writeFileSync(path.join(aptDir, "sources.list.d", "debian.sources"), debianSources);
    process.env.ARCHLAB_DEBIAN_MIRROR = "http://override.example.org/debian";
    expect(debianMirror("bookworm", aptDir)).toBe("http://override.example.org/debian");
    expect(debianMirror("trixie", path.join(aptDir, "does-not-exist"))).toBe(
      "http://override.example.org/debian",
    );
  });

  it("throws NoMirrorError naming the suite and the override when nothing matches", () => {
    writeFileSync(path.join(aptDir, "sources.list.d", "debian.sources"), debianSources);
    expect(() => debianMirror("trixie", aptDir)).toThrow(NoMirrorError);
    expect(() => debianMirror("trixie", aptDir)).toThrow(/"trixie".*ARCHLAB_DEBIAN_MIRROR/);
  });

  it("throws NoMirrorError when the apt folder is empty or missing", () => {
    expect(() => debianMirror("bookworm", aptDir)).toThrow(NoMirrorError);
    expect(() => debianMirror("bookworm", path.join(aptDir, "missing"))).toThrow(NoMirrorError);
  });
});
