// The bundle format without an engine: small synthetic bundles, plain and gzip, checked whole;
// damage, truncation, a newer format and a broken header each get their own clear error.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { afterAll, describe, expect, it } from "vitest";
import {
  assignOwners,
  BUNDLE_FORMAT,
  BundleError,
  HEADER_NAME,
  readBundleHeader,
  TRAILER_NAME,
  verifyBundle,
  type BundleHeader,
  type BundlePart,
} from "./bundle.ts";

const dir = mkdtempSync(path.join(tmpdir(), "archlab-bundle-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const LAYER = "a".repeat(64);

const header: BundleHeader = {
  format: BUNDLE_FORMAT,
  version: 1,
  created: "2026-12-01T00:00:00.000Z",
  commit: "0123456789ab",
  complete: false,
  images: [
    {
      name: "rootfs",
      hash: "6e0010d86629",
      ref: "archlab/rootfs:6e0010d86629",
      id: `sha256:${"b".repeat(64)}`,
    },
  ],
  published: ["debian:12"],
};

interface Entry {
  name: string;
  body?: Buffer;
  type?: "file" | "directory";
}

function entries(): Entry[] {
  return [
    { name: `images/${LAYER}/`, type: "directory" },
    { name: `images/${LAYER}/layer.tar`, body: Buffer.alloc(5000, 7) },
    { name: "images/manifest.json", body: Buffer.from("[]") },
    { name: "registry/docker/registry/v2/blobs/data", body: Buffer.from("blob") },
  ];
}

/** Writes a bundle; `mangle` may change the content after the checksums were taken. */
async function makeBundle(
  name: string,
  opts: {
    head?: unknown;
    mangle?: (e: Entry) => Entry;
    trailer?: boolean;
    gzip?: boolean;
  } = {},
): Promise<string> {
  const pack = tar.pack();
  const headText = Buffer.from(JSON.stringify(opts.head ?? header));
  pack.entry({ name: HEADER_NAME }, headText);
  const parts: BundlePart[] = [];
  for (const e of entries()) {
    const type = e.type ?? "file";
    parts.push({
      path: e.name,
      type,
      size: e.body?.length ?? 0,
      sha256: e.body ? sha(e.body) : "",
      of: ["rootfs"],
    });
    const out = opts.mangle ? opts.mangle(e) : e;
    if (type === "directory") pack.entry({ name: out.name, type: "directory" });
    else pack.entry({ name: out.name }, out.body as Buffer);
  }
  if (opts.trailer !== false)
    pack.entry({ name: TRAILER_NAME }, JSON.stringify({ headerSha256: sha(headText), parts }));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const file = path.join(dir, name);
  const data = Buffer.concat(chunks);
  writeFileSync(file, opts.gzip ? gzipSync(data) : data);
  return file;
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    return (err as Error).message;
  }
  throw new Error("expected a BundleError");
}

describe("bundle files", () => {
  it("reads and verifies a good bundle, plain and gzip-compressed", async () => {
    for (const gzip of [false, true]) {
      const file = await makeBundle(gzip ? "good.tar.gz" : "good.tar", { gzip });
      expect((await readBundleHeader(file)).images[0]?.name).toBe("rootfs");
      const v = await verifyBundle(file);
      expect(v.trailer.parts).toHaveLength(4);
    }
  });

  it("names a damaged part and the images it belongs to", async () => {
    const file = await makeBundle("damaged.tar", {
      mangle: (e) =>
        e.name.endsWith("layer.tar") ? { ...e, body: Buffer.alloc(5000, 8) } : { ...e },
    });
    const message = await errorOf(verifyBundle(file));
    expect(message).toContain("damaged.tar is damaged; nothing was loaded");
    expect(message).toContain(
      `part images/${LAYER}/layer.tar (a layer of archlab/rootfs) is damaged`,
    );
  });

  it("names a missing part and an unexpected one", async () => {
    const file = await makeBundle("renamed.tar", {
      mangle: (e) => (e.name === "images/manifest.json" ? { ...e, name: "images/other.json" } : e),
    });
    const message = await errorOf(verifyBundle(file));
    expect(message).toContain("part images/manifest.json (part of archlab/rootfs) is missing");
    expect(message).toContain("part images/other.json is not in the checksum list");
  });

  it("refuses a part whose path leaves the bundle", async () => {
    const file = await makeBundle("escape.tar", {
      mangle: (e) => (e.name.startsWith("registry/") ? { ...e, name: "registry/../../etc/x" } : e),
    });
    expect(await errorOf(verifyBundle(file))).toMatch(
      /escape\.tar has a part outside the bundle: "registry\/\.\.\/\.\.\/etc\/x"/,
    );
  });

  it("says a bundle without its checksum list is truncated", async () => {
    const file = await makeBundle("no-trailer.tar", { trailer: false });
    expect(await errorOf(verifyBundle(file))).toMatch(
      /no-trailer\.tar is truncated: it ends after part registry\/docker\/registry\/v2\/blobs\/data .*before its checksum list/,
    );
  });

  it("says a cut gzip bundle is truncated", async () => {
    const file = await makeBundle("cut.tar.gz", { gzip: true });
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    expect(await errorOf(verifyBundle(file))).toMatch(/cut\.tar\.gz is truncated at/);
  });

  it("refuses files that are not bundles, newer formats and broken headers", async () => {
    const text = path.join(dir, "text.txt");
    writeFileSync(text, "hello\n".repeat(200));
    expect(await errorOf(readBundleHeader(text))).toMatch(/text\.txt is not an archlab bundle/);
    expect(await errorOf(readBundleHeader(path.join(dir, "absent.tar")))).toMatch(
      /absent\.tar does not exist/,
    );
    const newer = await makeBundle("newer.tar", { head: { ...header, version: 99 } });
    expect(await errorOf(readBundleHeader(newer))).toMatch(/format 99, newer than this archlab/);
    const other = await makeBundle("other.tar", { head: { format: "something-else", version: 1 } });
    expect(await errorOf(readBundleHeader(other))).toMatch(/does not name the format/);
    const broken = await makeBundle("broken.tar", { head: { ...header, images: [] } });
    expect(await errorOf(readBundleHeader(broken))).toMatch(
      /header archlab-bundle\.json is damaged: images/,
    );
  });
});

describe("assignOwners", () => {
  it("gives every docker save part its images, following linked layers", () => {
    const images = [
      { name: "base", hash: "1".repeat(12), ref: "archlab/base:111111111111", id: "" },
      { name: "redis", hash: "2".repeat(12), ref: "archlab/redis:222222222222", id: "" },
    ];
    const part = (p: string): BundlePart => ({ path: p, type: "file", size: 1, sha256: "" });
    const parts = [part("images/L1/layer.tar"), part("images/L2/layer.tar"), part("images/c.json")];
    assignOwners(
      [
        { Config: "c.json", RepoTags: ["archlab/redis:222222222222"], Layers: ["L3/layer.tar"] },
        { Config: "b.json", RepoTags: ["archlab/base:111111111111"], Layers: ["L1/layer.tar"] },
      ],
      new Map([["L3/layer.tar", "../L2/layer.tar"]]),
      images,
      parts,
    );
    expect(parts.map((p) => p.of)).toEqual([["base"], ["redis"], ["redis"]]);
  });
});
