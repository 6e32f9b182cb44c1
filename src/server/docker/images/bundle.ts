// Air-gapped rooms: `archlab images bundle` writes the lab images (at their content tags) and the
// offline registry's storage into one file with a sha256 per part; `archlab images load` checks
// the whole file before it changes anything, then loads the images and restores the registry.
//
// A bundle is a tar file (gzip-compressed when its name ends in .gz or .tgz):
//   archlab-bundle.json            header: format, the images and their content tags, commit
//   images/...                     the entries of one `docker save` of every image (shared layers once)
//   registry/...                   the offline registry's storage, published afresh from these images
//   archlab-bundle-checksums.json  trailer: every part's path, type, size and sha256
// The checksums come last so that the bundle is written in one pass, without a temporary copy.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { PassThrough, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type Docker from "dockerode";
import tar from "tar-stream";
import { z } from "zod";
import { LABEL } from "../labels.ts";
import type { ImageBuilder, PlannedImage } from "./builder.ts";
import { publishImages, REGISTRY_IMAGE, REGISTRY_VOLUME } from "./publish.ts";
import { REPOSITORY_PREFIX, ROOTFS } from "./recipe.ts";
import type { Log } from "./rootfs.ts";

export const BUNDLE_FORMAT = "archlab-bundle";
export const BUNDLE_VERSION = 1;
export const HEADER_NAME = "archlab-bundle.json";
export const TRAILER_NAME = "archlab-bundle-checksums.json";
const IMAGES_DIR = "images/";
const REGISTRY_DIR = "registry/";
/** Where the registry's storage is mounted while it is copied out of or into its volume. */
const REGISTRY_MOUNT = "/registry";

const BundleImageSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  hash: z.string().regex(/^[0-9a-f]{12}$/),
  ref: z.string().min(1),
  /** The engine's image id (sha256 of its config): the same after `docker load`. */
  id: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});

const BundleHeaderSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.int().min(1),
  created: z.string(),
  /** The git commit of the sources, when they were a git checkout. */
  commit: z.string().optional(),
  /** Whether every image of infra/images is in it (no --images). */
  complete: z.boolean(),
  images: z.array(BundleImageSchema).min(1),
  /** Public names the registry part serves, e.g. "redis:7". */
  published: z.array(z.string()),
});

const BundlePartSchema = z.strictObject({
  path: z.string().min(1),
  type: z.enum(["file", "directory", "symlink"]),
  size: z.int().min(0),
  /** Of the content (files) or of the link target (symlinks); "" for directories. */
  sha256: z.string(),
  /** The images a part of `docker save` belongs to (for messages). */
  of: z.array(z.string()).optional(),
});

const BundleTrailerSchema = z.strictObject({
  headerSha256: z.string().regex(/^[0-9a-f]{64}$/),
  parts: z.array(BundlePartSchema),
});

export type BundleImage = z.infer<typeof BundleImageSchema>;
export type BundleHeader = z.infer<typeof BundleHeaderSchema>;
export type BundlePart = z.infer<typeof BundlePartSchema>;
export type BundleTrailer = z.infer<typeof BundleTrailerSchema>;

/** A bundle that cannot be made or used; the message says what is wrong and what to do. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleError";
  }
}

/** Bytes written or read so far, of `total` when known. */
export type Progress = (bytes: number, total?: number) => void;

type EntryHeader = Partial<tar.Header> & { name: string };
type Chunks = AsyncIterable<Buffer>;

/** `docker save` of several images (dockerode has it, its types do not). */
function saveImages(docker: Docker, refs: string[]): Promise<NodeJS.ReadableStream> {
  const d = docker as unknown as {
    getImages(opts: { names: string[] }): Promise<NodeJS.ReadableStream>;
  };
  return d.getImages({ names: refs });
}

/** Feeds a node stream into a tar extractor, failing the extractor when the source fails. */
function feed(source: NodeJS.ReadableStream, extract: tar.Extract): void {
  source.on("error", (err: Error) => extract.destroy(err));
  source.pipe(extract as unknown as NodeJS.WritableStream);
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const isGzipName = (file: string) => /\.t?gz$/i.test(file);

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

/** The sources' git commit, marked when infra/images has changes not yet committed. */
function gitCommit(dir: string): string | undefined {
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, ...args], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  try {
    const commit = git("rev-parse", "--short=12", "HEAD");
    if (!commit) return undefined;
    return git("status", "--porcelain", "--", "infra/images") ? `${commit}+changes` : commit;
  } catch {
    return undefined;
  }
}

/** Passes bytes through, telling `onBytes` about each chunk. */
function tap(onChunk: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onChunk(chunk);
      done(null, chunk);
    },
  });
}

/** Writes `body` as a new entry of `pack`; returns the sha256 and size of what was written. */
async function addEntry(
  pack: tar.Pack,
  header: EntryHeader,
  body?: Chunks | Buffer[],
): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  let sink!: ReturnType<tar.Pack["entry"]>;
  const done = new Promise<void>((ok, fail) => {
    sink = pack.entry(header, (err) => (err ? fail(err) : ok()));
  });
  if (body) {
    for await (const chunk of body) {
      hash.update(chunk);
      size += chunk.length;
      if (!sink.write(chunk))
        await new Promise<void>((resolve) => {
          const done = () => {
            sink.off("drain", done);
            sink.off("close", done);
            resolve();
          };
          sink.on("drain", done);
          sink.on("close", done);
        });
      if (sink.destroyed) throw new Error("the archive being written was closed");
    }
  }
  (sink as unknown as { end(): void }).end();
  await done;
  return { sha256: hash.digest("hex"), size };
}

function partType(header: EntryHeader): BundlePart["type"] {
  if (header.type === "directory") return "directory";
  if (header.type === "symlink") return "symlink";
  if (header.type === "file" || header.type === "contiguous-file" || !header.type) return "file";
  throw new BundleError(`unexpected ${header.type} entry "${header.name}" in an archive`);
}

/** The tar header of a part as written into the bundle (or replayed from it). */
function partHeader(h: EntryHeader, name: string, type: BundlePart["type"]): EntryHeader {
  return {
    name,
    type,
    mode: h.mode,
    uid: h.uid,
    gid: h.gid,
    mtime: h.mtime,
    ...(type === "symlink" ? { linkname: h.linkname } : {}),
    ...(type === "file" ? { size: h.size } : {}),
  };
}

/**
 * Copies every entry of the tar `source` into `pack` under `prefix`, recording the parts; the
 * bodies of entries named in `keep` are returned.
 */
async function copyTar(
  source: NodeJS.ReadableStream,
  pack: tar.Pack,
  prefix: string,
  parts: BundlePart[],
  keep: string[] = [],
): Promise<{ kept: Map<string, Buffer>; links: Map<string, string> }> {
  const kept = new Map<string, Buffer>();
  const links = new Map<string, string>();
  const extract = tar.extract();
  feed(source, extract);
  for await (const entry of extract) {
    const h = entry.header;
    const type = partType(h);
    const header = partHeader(h, prefix + h.name, type);
    if (type === "file") {
      const chunks: Buffer[] = [];
      const body = keep.includes(h.name)
        ? (async function* () {
            for await (const c of entry as Chunks) {
              chunks.push(c);
              yield c;
            }
          })()
        : (entry as Chunks);
      const { sha256: sum, size } = await addEntry(pack, header, body);
      if (keep.includes(h.name)) kept.set(h.name, Buffer.concat(chunks));
      parts.push({ path: header.name, type, size, sha256: sum });
    } else {
      entry.resume();
      await addEntry(pack, header);
      if (type === "symlink") links.set(h.name, h.linkname ?? "");
      const link = type === "symlink" ? sha256(h.linkname ?? "") : "";
      parts.push({ path: header.name, type, size: 0, sha256: link });
    }
  }
  return { kept, links };
}

/**
 * Notes on every part of `docker save` which images it belongs to, from its manifest.json and
 * its links (a layer stored once is linked from the folders of other layers with its content).
 */
export function assignOwners(
  saveManifest: { Config: string; RepoTags?: string[] | null; Layers: string[] }[],
  links: Map<string, string>,
  images: BundleImage[],
  parts: BundlePart[],
): void {
  const byRef = new Map(images.map((i) => [i.ref, i.name]));
  const owners = new Map<string, Set<string>>();
  const own = (top: string, name: string) =>
    owners.set(top, (owners.get(top) ?? new Set()).add(name));
  for (const entry of saveManifest) {
    const name = (entry.RepoTags ?? []).map((t) => byRef.get(t)).find(Boolean);
    if (!name) continue;
    own(entry.Config, name);
    for (const layer of entry.Layers) own(layer.split("/")[0] as string, name);
  }
  // images/<a>/layer.tar -> ../<b>/layer.tar: <a>'s images use <b>'s layer.
  for (const [from, to] of links) {
    const a = from.split("/")[0] as string;
    const b = to.replace(/^\.\.\//, "").split("/")[0] as string;
    for (const name of owners.get(a) ?? []) own(b, name);
  }
  for (const part of parts) {
    if (!part.path.startsWith(IMAGES_DIR)) continue;
    const set = owners.get(part.path.slice(IMAGES_DIR.length).split("/")[0] as string);
    if (set) part.of = [...set].sort();
  }
}

export interface BundleOptions {
  /** Only these images (and their parents); all when empty. */
  images: string[];
  /** The checkout's root, for the commit recorded in the header. */
  sourcesDir: string;
  log: Log;
  onProgress?: Progress;
}

export interface BundleResult {
  file: string;
  bytes: number;
  sha256: string;
  images: BundleImage[];
  published: string[];
  parts: number;
}

/** What a bundle of `names` holds; throws naming every image that is not built. */
export async function bundlePlan(builder: ImageBuilder, names: string[]): Promise<PlannedImage[]> {
  const plan = await builder.plan(names);
  const missing = plan.filter((p) => !p.upToDate).map((m) => m.name);
  if (missing.length > 0) {
    throw new BundleError(
      `not built from the current sources: ${missing.join(", ")}; ` +
        `run \`archlab images build ${missing.join(" ")}\` first` +
        (names.length === 0 ? ", or bundle only some images with --images a,b" : ""),
    );
  }
  return plan;
}

/** Writes a bundle of the planned images and their offline registry into `file`. */
export async function writeBundle(
  docker: Docker,
  builder: ImageBuilder,
  file: string,
  options: BundleOptions,
): Promise<BundleResult> {
  const plan = await bundlePlan(builder, options.images);
  const images: BundleImage[] = [];
  for (const item of plan) {
    const info = await docker.getImage(item.ref).inspect();
    images.push({ name: item.name, hash: item.hash, ref: item.ref, id: info.Id });
  }
  await builder.resolve(REGISTRY_IMAGE);
  // The registry's storage is published afresh into a volume of its own, so the bundle serves
  // exactly these images (the machine's own volume also keeps what older builds published).
  const volume = `archlab-bundle-registry-${process.pid}-${Date.now().toString(36)}`;
  const partial = `${file}.partial`;
  let snapshot: Docker.Container | undefined;
  try {
    options.log("publishing the offline registry for the bundle");
    const published = await publishImages(docker, builder, options.log, {
      volume,
      images: images.map((i) => i.name),
    });
    const commit = gitCommit(options.sourcesDir);
    const header: BundleHeader = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      created: new Date().toISOString(),
      ...(commit ? { commit } : {}),
      complete: options.images.length === 0,
      images,
      published,
    };
    const headerText = Buffer.from(JSON.stringify(header, null, 2) + "\n");

    const pack = tar.pack();
    const fileHash = createHash("sha256");
    let bytes = 0;
    const packed = new PassThrough();
    pack.pipe(packed);
    const writing = pipeline([
      packed,
      ...(isGzipName(file) ? [createGzip({ level: 1 })] : []),
      tap((chunk) => {
        fileHash.update(chunk);
        bytes += chunk.length;
        options.onProgress?.(bytes);
      }),
      createWriteStream(partial),
    ]);
    // A failed write (disk full) must surface here rather than hang the entries.
    writing.catch(() => pack.destroy());
    const parts: BundlePart[] = [];
    await addEntry(pack, { name: HEADER_NAME, size: headerText.length, mode: 0o644 }, [headerText]);
    options.log(`saving ${images.length} images`);
    const saved = await saveImages(
      docker,
      images.map((i) => i.ref),
    );
    const { kept, links } = await copyTar(saved, pack, IMAGES_DIR, parts, ["manifest.json"]);
    const saveManifest = kept.get("manifest.json");
    if (!saveManifest) throw new Error("docker save wrote no manifest.json");
    assignOwners(JSON.parse(saveManifest.toString()), links, images, parts);

    options.log("copying the offline registry's storage");
    snapshot = await docker.createContainer({
      Image: imageRefOf(images, ROOTFS),
      Cmd: ["true"],
      Labels: { [LABEL.managed]: "1" },
      HostConfig: {
        NetworkMode: "none",
        Mounts: [{ Type: "volume", Source: volume, Target: REGISTRY_MOUNT, ReadOnly: true }],
      },
    });
    await copyTar(await snapshot.getArchive({ path: REGISTRY_MOUNT }), pack, "", parts);

    const trailer: BundleTrailer = { headerSha256: sha256(headerText), parts };
    const trailerText = Buffer.from(JSON.stringify(trailer) + "\n");
    await addEntry(pack, { name: TRAILER_NAME, size: trailerText.length, mode: 0o644 }, [
      trailerText,
    ]);
    pack.finalize();
    await writing;
    await rename(partial, file);
    return {
      file,
      bytes: (await stat(file)).size,
      sha256: fileHash.digest("hex"),
      images,
      published,
      parts: parts.length,
    };
  } finally {
    await snapshot?.remove({ force: true }).catch(() => undefined);
    await docker
      .getVolume(volume)
      .remove()
      .catch(() => undefined);
    await rm(partial, { force: true });
  }
}

function imageRefOf(images: BundleImage[], name: string): string {
  const image = images.find((i) => i.name === name);
  if (!image) throw new BundleError(`the bundle has no ${name} image`);
  return image.ref;
}

// ---------------------------------------------------------------------------------- reading

/** Opens `file` as a stream of tar entries (gunzipped when it starts like gzip). */
async function openBundle(file: string): Promise<{
  extract: tar.Extract;
  size: number;
  done: Promise<void>;
  position: () => number;
  close: () => void;
}> {
  let size: number;
  let magic = Buffer.alloc(2);
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new BundleError(`${file} is not a file`);
    size = s.size;
    const fd = await open(file, "r");
    try {
      await fd.read(magic, 0, 2, 0);
    } finally {
      await fd.close();
    }
  } catch (err) {
    if (err instanceof BundleError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new BundleError(
      e.code === "ENOENT"
        ? `${file} does not exist (make one with \`archlab images bundle ${file}\`)`
        : `cannot read ${file}: ${e.message}`,
    );
  }
  if (size === 0) throw new BundleError(`${file} is empty: it is not an archlab bundle`);
  const gzip = magic[0] === 0x1f && magic[1] === 0x8b;
  magic = Buffer.alloc(0);
  let read = 0;
  const input = createReadStream(file);
  const extract = tar.extract();
  const counted = tap((chunk) => (read += chunk.length));
  const plain = new PassThrough();
  // Errors of the file or of gunzip (truncated, corrupt) end the extractor with that error.
  const done = pipeline([input, counted, ...(gzip ? [createGunzip()] : []), plain]);
  done.catch((err: Error) => extract.destroy(err));
  feed(plain, extract);
  return {
    extract,
    size,
    done,
    position: () => read,
    close: () => input.destroy(),
  };
}

function notABundle(file: string, why: string): BundleError {
  return new BundleError(
    `${file} is not an archlab bundle (${why}); make one with \`archlab images bundle FILE\``,
  );
}

async function readJson(entry: AsyncIterable<unknown>): Promise<{ text: Buffer; value: unknown }> {
  const chunks: Buffer[] = [];
  for await (const c of entry) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks);
  try {
    return { text, value: JSON.parse(text.toString()) };
  } catch {
    return { text, value: undefined };
  }
}

function parseHeader(file: string, value: unknown): BundleHeader {
  const base = z.object({ format: z.string(), version: z.number() }).safeParse(value);
  if (!base.success || base.data.format !== BUNDLE_FORMAT)
    throw notABundle(file, `${HEADER_NAME} does not name the format "${BUNDLE_FORMAT}"`);
  if (base.data.version > BUNDLE_VERSION)
    throw new BundleError(
      `${file} is a bundle of format ${base.data.version}, newer than this archlab reads ` +
        `(${BUNDLE_VERSION}): update archlab to the version that made it`,
    );
  const header = BundleHeaderSchema.safeParse(value);
  if (!header.success)
    throw new BundleError(
      `${file}: its header ${HEADER_NAME} is damaged: ${header.error.issues
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; ")}`,
    );
  return header.data;
}

/** Reads only the header (the first part) of a bundle. */
export async function readBundleHeader(file: string): Promise<BundleHeader> {
  const b = await openBundle(file);
  try {
    for await (const entry of b.extract) {
      if (entry.header.name !== HEADER_NAME)
        throw notABundle(file, `it starts with "${entry.header.name}", not ${HEADER_NAME}`);
      return parseHeader(file, (await readJson(entry)).value);
    }
    throw notABundle(file, "it holds no files");
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw notABundle(file, "it is not a tar file");
  } finally {
    b.close();
  }
}

/**
 * Image sources this bundle does not match: each line says what the bundle has and what these
 * sources build. Empty when every image of the bundle is what the sources here build.
 */
export function sourceMismatches(header: BundleHeader, builder: ImageBuilder): string[] {
  const known = new Set([ROOTFS, ...builder.names()]);
  const out: string[] = [];
  for (const image of header.images) {
    if (!known.has(image.name)) {
      out.push(`${image.name}: the bundle has ${image.ref}; infra/images here has no such image`);
      continue;
    }
    const here = builder.refFor(image.name);
    if (here !== image.ref)
      out.push(`${image.name}: the bundle has ${image.ref}, the sources here build ${here}`);
  }
  return out;
}

/** Throws a BundleError naming every image whose sources differ from the bundle's. */
export function assertSameSources(file: string, header: BundleHeader, builder: ImageBuilder) {
  const bad = sourceMismatches(header, builder);
  if (bad.length === 0) return;
  throw new BundleError(
    `${file} was made from other image sources than this checkout's infra/images:\n` +
      bad.map((l) => `  - ${l}`).join("\n") +
      `\n  Check out the commit the bundle was made from${header.commit ? ` (${header.commit})` : ""} ` +
      `here, or make a new bundle from this checkout on a machine that can build the images ` +
      `(\`archlab images build && archlab images bundle FILE\`).`,
  );
}

function describePart(part: BundlePart): string {
  const of = part.of?.length
    ? ` (${part.path.endsWith("layer.tar") ? "a layer" : "part"} of ${part.of
        .map((n) => REPOSITORY_PREFIX + n)
        .join(", ")})`
    : "";
  return `${part.path}${of}`;
}

export interface Verified {
  header: BundleHeader;
  trailer: BundleTrailer;
  bytes: number;
}

/**
 * Reads the whole bundle and checks every part against its checksum list. Throws a BundleError
 * naming the damaged or missing parts; changes nothing.
 */
export async function verifyBundle(file: string, onProgress?: Progress): Promise<Verified> {
  const b = await openBundle(file);
  let header: BundleHeader | undefined;
  let headerSha = "";
  let trailer: BundleTrailer | undefined;
  const seen: BundlePart[] = [];
  let current: string | undefined;
  try {
    try {
      for await (const entry of b.extract) {
        const h = entry.header;
        current = h.name;
        onProgress?.(b.position(), b.size);
        if (!header) {
          if (h.name !== HEADER_NAME)
            throw notABundle(file, `it starts with "${h.name}", not ${HEADER_NAME}`);
          const { text, value } = await readJson(entry);
          header = parseHeader(file, value);
          headerSha = sha256(text);
          continue;
        }
        if (trailer)
          throw new BundleError(`${file} has data after its checksum list ("${h.name}")`);
        if (h.name === TRAILER_NAME) {
          const parsed = BundleTrailerSchema.safeParse((await readJson(entry)).value);
          if (!parsed.success)
            throw new BundleError(
              `${file} is damaged: its checksum list ${TRAILER_NAME} is unreadable`,
            );
          trailer = parsed.data;
          continue;
        }
        if (h.name.startsWith("/") || h.name.split("/").includes(".."))
          throw new BundleError(`${file} has a part outside the bundle: "${h.name}"`);
        const type = partType(h);
        const hash = createHash("sha256");
        let size = 0;
        for await (const chunk of entry as Chunks) {
          hash.update(chunk);
          size += chunk.length;
          onProgress?.(b.position(), b.size);
        }
        const sum =
          type === "file" ? hash.digest("hex") : type === "symlink" ? sha256(h.linkname ?? "") : "";
        seen.push({ path: h.name, type, size, sha256: sum });
      }
      await b.done;
    } catch (err) {
      if (err instanceof BundleError) throw err;
      const why = (err as Error).message;
      if (!header) throw notABundle(file, "it is not a tar file");
      const where = current ? `, in part ${current}` : "";
      if (/unexpected end/i.test(why))
        throw new BundleError(
          `${file} is truncated at ${formatBytes(b.size)}${where}; copy the whole bundle again`,
        );
      throw new BundleError(
        `${file} is damaged at ${formatBytes(b.position())} of ${formatBytes(b.size)}${where}: ` +
          `${why}; copy the bundle again`,
      );
    }
  } finally {
    b.close();
  }
  if (!header) throw notABundle(file, "it holds no files");
  if (!trailer)
    throw new BundleError(
      `${file} is truncated: it ends after part ${seen.at(-1)?.path ?? HEADER_NAME} ` +
        `(${formatBytes(b.size)}), before its checksum list; copy the whole bundle again`,
    );
  if (trailer.headerSha256 !== headerSha)
    throw new BundleError(`${file} is damaged: part ${HEADER_NAME} does not match its checksum`);
  const got = new Map(seen.map((p) => [p.path, p]));
  const bad: string[] = [];
  for (const want of trailer.parts) {
    const part = got.get(want.path);
    if (!part) bad.push(`part ${describePart(want)} is missing`);
    else if (part.type !== want.type || part.size !== want.size || part.sha256 !== want.sha256)
      bad.push(
        `part ${describePart(want)} is damaged: sha256 ${part.sha256.slice(0, 16)}…, ` +
          `expected ${want.sha256.slice(0, 16)}… (${part.size} of ${want.size} bytes)`,
      );
    got.delete(want.path);
  }
  for (const extra of got.keys()) bad.push(`part ${extra} is not in the checksum list`);
  if (bad.length > 0)
    throw new BundleError(
      `${file} is damaged; nothing was loaded:\n` +
        bad
          .slice(0, 8)
          .map((l) => `  - ${l}`)
          .join("\n") +
        (bad.length > 8 ? `\n  … and ${bad.length - 8} more` : "") +
        "\n  Copy the bundle again (or make a new one).",
    );
  return { header, trailer, bytes: b.size };
}

export interface LoadResult {
  header: BundleHeader;
  /** Images of the sources here that the bundle does not have. */
  notInBundle: string[];
}

export interface LoadOptions {
  log: Log;
  onProgress?: Progress;
}

/**
 * Loads a verified bundle into the engine: the images at their content tags (and :latest) and
 * the offline registry's storage into its volume. Call verifyBundle first.
 */
export async function loadVerifiedBundle(
  docker: Docker,
  builder: ImageBuilder,
  file: string,
  verified: Verified,
  options: LoadOptions,
): Promise<LoadResult> {
  const { header, trailer } = verified;
  const expected = new Map(trailer.parts.map((p) => [p.path, p]));
  const b = await openBundle(file);
  const imagesPack = tar.pack();
  const imagesBody = new PassThrough();
  imagesPack.pipe(imagesBody);
  imagesBody.on("error", () => undefined);
  const loading = docker.loadImage(imagesBody).then(
    (stream) =>
      new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(
          stream,
          (err) => (err ? reject(err) : resolve()),
          (e: { error?: string; stream?: string }) => {
            if (e.error) reject(new Error(e.error));
            else if (e.stream?.trim()) options.log(e.stream.trim());
          },
        ),
      ),
  );
  loading.catch(() => undefined);
  let imagesDone = false;
  const finishImages = async () => {
    if (imagesDone) return;
    imagesDone = true;
    imagesPack.finalize();
    await loading;
  };
  let registry:
    { pack: tar.Pack; writing: Promise<unknown>; container: Docker.Container } | undefined;
  try {
    for await (const entry of b.extract) {
      const h = entry.header;
      options.onProgress?.(b.position(), b.size);
      if (h.name === HEADER_NAME || h.name === TRAILER_NAME) {
        entry.resume();
        continue;
      }
      const want = expected.get(h.name);
      const type = partType(h);
      let target: tar.Pack;
      let name: string;
      if (h.name.startsWith(IMAGES_DIR)) {
        if (imagesDone) throw new BundleError(`${file}: image part ${h.name} after the registry`);
        target = imagesPack;
        name = h.name.slice(IMAGES_DIR.length);
      } else if (h.name.startsWith(REGISTRY_DIR) || h.name === REGISTRY_DIR.slice(0, -1)) {
        await finishImages();
        registry ??= await openRegistry(docker, imageRefOf(header.images, ROOTFS));
        target = registry.pack;
        name = h.name;
      } else throw new BundleError(`${file}: unexpected part ${h.name}`);
      const counted = (async function* () {
        for await (const c of entry as Chunks) {
          options.onProgress?.(b.position(), b.size);
          yield c;
        }
      })();
      // If the engine stops reading (docker load or the copy failed), say why instead of waiting.
      const consumer = target === imagesPack ? loading : (registry?.writing ?? loading);
      const { sha256: sum } = await Promise.race([
        addEntry(target, partHeader(h, name, type), type === "file" ? counted : undefined),
        consumer.then(() => new Promise<never>(() => undefined)),
      ]);
      if (type !== "file") entry.resume();
      // The file was verified; a change since (being copied over?) stops the load.
      if (type === "file" && want?.sha256 !== sum)
        throw new BundleError(
          `${file} changed while it was loaded (part ${h.name}); load it again`,
        );
    }
    await b.done;
    await finishImages();
    if (registry) {
      registry.pack.finalize();
      await registry.writing;
    }
  } catch (err) {
    imagesPack.destroy();
    registry?.pack.destroy();
    throw err;
  } finally {
    b.close();
    await registry?.container.remove({ force: true }).catch(() => undefined);
  }
  for (const image of header.images) {
    const info = await docker
      .getImage(image.ref)
      .inspect()
      .catch(() => undefined);
    if (!info || info.Id !== image.id)
      throw new BundleError(`after loading, ${image.ref} is not the image the bundle holds`);
    await docker
      .getImage(image.ref)
      .tag({ repo: image.ref.split(":")[0] as string, tag: "latest" });
  }
  const inBundle = new Set(header.images.map((i) => i.name));
  return {
    header,
    notInBundle: [ROOTFS, ...builder.names()].filter((n) => !inBundle.has(n)),
  };
}

/** A stopped container with the registry volume mounted, taking a tar of its storage. */
async function openRegistry(docker: Docker, image: string) {
  await docker.createVolume({ Name: REGISTRY_VOLUME, Labels: { [LABEL.managed]: "1" } });
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["true"],
    Labels: { [LABEL.managed]: "1" },
    HostConfig: {
      NetworkMode: "none",
      Mounts: [{ Type: "volume", Source: REGISTRY_VOLUME, Target: REGISTRY_MOUNT }],
    },
  });
  const pack = tar.pack();
  const body = new PassThrough();
  pack.pipe(body);
  // Entries are named registry/..., so extracting at / writes into the volume.
  const writing = container.putArchive(body, { path: "/" });
  writing.catch(() => undefined);
  return { pack, writing, container };
}
