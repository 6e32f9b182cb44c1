// Builds the images of infra/images with content-derived tags; resolves an image name to the
// exact tag the current sources produce, or says how to build it.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { LABEL } from "../labels.ts";
import {
  buildOrder,
  contentHashes,
  dockerfileInstructions,
  imageRef,
  pinParents,
  readRecipes,
  ROOTFS,
  type ImageRecipe,
} from "./recipe.ts";
import { ensureRootfs, imageExists, type Log } from "./rootfs.ts";

export interface PlannedImage {
  name: string;
  ref: string;
  hash: string;
  /** Already built from exactly these sources. */
  upToDate: boolean;
  recipe?: ImageRecipe;
}

export class ImageBuildError extends Error {
  constructor(
    readonly image: string,
    readonly reason: string,
    readonly dockerfileLine: number | undefined,
    readonly lastLines: string[],
  ) {
    super(
      `image "${image}" failed to build` +
        (dockerfileLine ? ` at infra/images/${image}/Dockerfile:${dockerfileLine}` : "") +
        `: ${reason}` +
        (lastLines.length ? `\n  last output:\n    ${lastLines.join("\n    ")}` : ""),
    );
    this.name = "ImageBuildError";
  }
}

export class ImageMissingError extends Error {
  /** The lab API's error code (src/protocol/lab-api.ts). */
  readonly code = "image-missing";
  constructor(readonly image: string) {
    super(
      `image "${image}" is not built (or its sources changed): run \`archlab images build ${image}\``,
    );
    this.name = "ImageMissingError";
  }
}

/**
 * The CA bundle this machine trusts ($ARCHLAB_HOST_CA, else $SSL_CERT_FILE, else Debian's
 * /etc/ssl/certs/ca-certificates.crt), for images whose builds reach TLS services through it.
 */
export async function hostCaBundle(
  image: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const file = env.ARCHLAB_HOST_CA || env.SSL_CERT_FILE || "/etc/ssl/certs/ca-certificates.crt";
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ImageBuildError(
      image,
      `it needs this machine's CA bundle (# host-ca), but ${file} cannot be read ` +
        `(${(err as Error).message}); set ARCHLAB_HOST_CA to the PEM file your machine trusts`,
      undefined,
      [],
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ImageBuildError(
      image,
      `it needs this machine's CA bundle (# host-ca), but ${file} holds no PEM certificate; ` +
        `set ARCHLAB_HOST_CA to the PEM file your machine trusts`,
      undefined,
      [],
    );
  }
  return text;
}

export class ImageBuilder {
  private readonly recipes: Map<string, ImageRecipe>;
  private readonly hashes: Map<string, string>;

  constructor(
    private readonly docker: Docker,
    imagesDir: string,
  ) {
    this.recipes = readRecipes(imagesDir);
    this.hashes = contentHashes(this.recipes);
  }

  names(): string[] {
    return [...this.recipes.keys()].sort();
  }

  recipe(name: string): ImageRecipe | undefined {
    return this.recipes.get(name);
  }

  /** The tag that the current sources of `name` build to. */
  refFor(name: string): string {
    const hash = this.hashes.get(name);
    if (!hash) throw new ImageMissingError(name);
    return imageRef(name, hash);
  }

  /** The exact tag to run for `name`; throws ImageMissingError when it is not built. */
  async resolve(name: string): Promise<string> {
    const ref = this.refFor(name);
    if (!(await imageExists(this.docker, ref))) throw new ImageMissingError(name);
    return ref;
  }

  /** What building `names` (all when empty) involves, rootfs first, parents before children. */
  async plan(names: string[]): Promise<PlannedImage[]> {
    const order = buildOrder(this.recipes, names);
    const rootfsHash = this.hashes.get(ROOTFS) as string;
    const items: PlannedImage[] = [
      {
        name: ROOTFS,
        hash: rootfsHash,
        ref: imageRef(ROOTFS, rootfsHash),
        upToDate: await imageExists(this.docker, imageRef(ROOTFS, rootfsHash)),
      },
    ];
    for (const recipe of order) {
      const hash = this.hashes.get(recipe.name) as string;
      const ref = imageRef(recipe.name, hash);
      items.push({
        name: recipe.name,
        hash,
        ref,
        recipe,
        upToDate: await imageExists(this.docker, ref),
      });
    }
    return items;
  }

  /** Builds one planned image (its parents must exist). */
  async build(item: PlannedImage, log: Log): Promise<void> {
    if (item.name === ROOTFS) {
      await ensureRootfs(this.docker, item.hash, log);
      return;
    }
    const recipe = item.recipe as ImageRecipe;
    const context = await mkdtemp(path.join(tmpdir(), `archlab-build-${recipe.name}-`));
    try {
      await cp(recipe.dir, context, { recursive: true });
      await writeFile(path.join(context, "Dockerfile"), pinParents(recipe.dockerfile, this.hashes));
      if (recipe.hostCa) {
        await writeFile(path.join(context, recipe.hostCa), await hostCaBundle(recipe.name));
      }
      const src = await readdir(context, { recursive: true });
      const stream = await this.docker.buildImage(
        { context, src },
        {
          t: item.ref,
          labels: { [LABEL.managed]: "1", [LABEL.imageHash]: item.hash },
          rm: true,
          forcerm: true,
        },
      );
      await this.follow(stream, recipe, log);
    } finally {
      await rm(context, { recursive: true, force: true });
    }
    // Also tag :latest so people can `docker run archlab/<name>` by hand.
    await this.docker.getImage(item.ref).tag({ repo: `archlab/${item.name}`, tag: "latest" });
  }

  private follow(stream: NodeJS.ReadableStream, recipe: ImageRecipe, log: Log): Promise<void> {
    const instructions = dockerfileInstructions(recipe.dockerfile);
    const tail: string[] = [];
    let step = 0;
    let failure: string | undefined;
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err) => {
          // A failed RUN arrives as an `error` event in the stream, not as `err`.
          const reason = err?.message ?? failure;
          if (reason) {
            const line = step > 0 ? instructions[step - 1]?.line : undefined;
            reject(new ImageBuildError(recipe.name, reason.trim(), line, tail.slice(-12)));
          } else resolve();
        },
        (event: { stream?: string; error?: string }) => {
          if (event.error) failure = event.error;
          for (const text of (event.stream ?? "").split("\n").filter((l) => l.trim())) {
            const m = /^Step (\d+)\/\d+ :/.exec(text);
            if (m) step = Number(m[1]);
            tail.push(text);
            if (tail.length > 40) tail.shift();
            log(text);
          }
        },
      );
    });
  }
}
