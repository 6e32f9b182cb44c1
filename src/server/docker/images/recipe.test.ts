import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildOrder,
  contentHashes,
  dockerfileInstructions,
  imageRef,
  parseRecipe,
  pinParents,
  readRecipes,
  ROOTFS,
  UnknownImageError,
  type ImageRecipe,
} from "./recipe.ts";

describe("dockerfileInstructions", () => {
  it("gives each instruction its first line, joining continuations and skipping comments", () => {
    const text = [
      "# syntax comment", // 1
      "FROM archlab/base", // 2
      "", // 3
      "RUN apt-get update \\", // 4
      "    # a comment inside the continuation", // 5
      "    && apt-get install -y redis \\", // 6
      "    && rm -rf /var/lib/apt/lists/*", // 7
      "  # an indented comment", // 8
      'CMD ["redis-server"]', // 9
    ].join("\n");
    expect(dockerfileInstructions(text)).toEqual([
      { line: 2, text: "FROM archlab/base" },
      {
        line: 4,
        text: "RUN apt-get update && apt-get install -y redis && rm -rf /var/lib/apt/lists/*",
      },
      { line: 9, text: 'CMD ["redis-server"]' },
    ]);
  });

  it("keeps an instruction whose continuation runs into the end of the file", () => {
    expect(dockerfileInstructions("FROM x\nRUN a \\\n  b \\")).toEqual([
      { line: 1, text: "FROM x" },
      { line: 2, text: "RUN a b" },
    ]);
  });

  it("returns nothing for a file of comments", () => {
    expect(dockerfileInstructions("# only\n\n# comments\n")).toEqual([]);
  });
});

describe("parseRecipe", () => {
  it("finds archlab parents (any tag, multi-stage) and the publish names", () => {
    const dockerfile = [
      "# Redis from Debian.",
      "# publish: redis:7 redis:latest",
      "FROM archlab/base AS build",
      "RUN make",
      "from archlab/workstation:0123456789ab",
      "FROM debian:bookworm",
    ].join("\n");
    expect(parseRecipe("redis", "/images/redis", dockerfile)).toEqual({
      name: "redis",
      dir: "/images/redis",
      dockerfile,
      parents: ["base", "workstation"],
      publishAs: ["redis:7", "redis:latest"],
    });
  });

  it("has no publish names without a `# publish:` line", () => {
    const r = parseRecipe("base", "/images/base", "FROM archlab/rootfs\nRUN true\n");
    expect(r.parents).toEqual([ROOTFS]);
    expect(r.publishAs).toEqual([]);
  });

  it("does not take a FROM inside a comment or a RUN as a parent", () => {
    const r = parseRecipe(
      "x",
      "/x",
      "# FROM archlab/ghost\nFROM archlab/base\nRUN echo FROM archlab/y\n",
    );
    expect(r.parents).toEqual(["base"]);
  });
});

describe("parseRecipe: # host-ca", () => {
  it("names the file the machine's CA bundle is put under in the build context", () => {
    const recipe = parseRecipe("web", "/x", "# host-ca: host-ca.crt\nFROM archlab/base\n");
    expect(recipe.hostCa).toBe("host-ca.crt");
    expect(parseRecipe("web", "/x", "FROM archlab/base\n").hostCa).toBeUndefined();
  });

  it("refuses a path or an empty name", () => {
    expect(() => parseRecipe("web", "/x", "# host-ca: ../../etc/passwd\nFROM x\n")).toThrow(
      /plain file name/,
    );
    expect(() => parseRecipe("web", "/x", "# host-ca:\nFROM x\n")).toThrow(/plain file name/);
  });
});

function recipes(parents: Record<string, string[]>): Map<string, ImageRecipe> {
  return new Map(
    Object.entries(parents).map(([name, ps]) => [
      name,
      { name, dir: `/images/${name}`, dockerfile: "", parents: ps, publishAs: [] },
    ]),
  );
}

describe("buildOrder", () => {
  const images = recipes({
    workstation: ["base"],
    dind: ["workstation"],
    redis: ["base"],
    base: [ROOTFS],
  });

  it("builds every image, each after its parents, when none is named", () => {
    const order = buildOrder(images, []).map((r) => r.name);
    expect(order).toHaveLength(4);
    expect(new Set(order).size).toBe(4);
    const before = (a: string, b: string) => order.indexOf(a) < order.indexOf(b);
    expect(before("base", "workstation")).toBe(true);
    expect(before("base", "redis")).toBe(true);
    expect(before("workstation", "dind")).toBe(true);
    expect(order).not.toContain(ROOTFS);
  });

  it("builds only the named images and their ancestors", () => {
    expect(buildOrder(images, ["dind"]).map((r) => r.name)).toEqual([
      "base",
      "workstation",
      "dind",
    ]);
    expect(buildOrder(images, ["redis", "base"]).map((r) => r.name)).toEqual(["base", "redis"]);
  });

  it("rejects an unknown name, suggesting the closest", () => {
    expect(() => buildOrder(images, ["rediss"])).toThrow(UnknownImageError);
    expect(() => buildOrder(images, ["rediss"])).toThrow(
      /unknown image "rediss" \(did you mean "redis"\?\); images in infra\/images: .*workstation/,
    );
  });

  it("rejects a parent that is not an image", () => {
    const broken = recipes({ app: ["bsae"], base: [ROOTFS] });
    expect(() => buildOrder(broken, ["app"])).toThrow(/unknown image "bsae"/);
  });

  it("detects a cycle and shows it", () => {
    const cyclic = recipes({ a: ["b"], b: ["c"], c: ["a"] });
    expect(() => buildOrder(cyclic, ["a"])).toThrow(
      "images build FROM each other in a cycle: a -> b -> c -> a",
    );
    expect(() => buildOrder(recipes({ self: ["self"] }), [])).toThrow(/cycle: self -> self/);
  });
});

describe("contentHashes and pinParents on real folders", () => {
  let imagesDir: string;

  const write = (rel: string, text: string) => {
    const file = path.join(imagesDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  beforeEach(() => {
    imagesDir = mkdtempSync(path.join(tmpdir(), "archlab-images-"));
    write("base/Dockerfile", "FROM archlab/rootfs\nCOPY files/ /\n");
    write("base/files/etc/motd", "hello\n");
    write("child/Dockerfile", "# publish: child:1\nFROM archlab/base\nRUN true\n");
    write("other/Dockerfile", "FROM archlab/rootfs\nRUN echo other\n");
    mkdirSync(path.join(imagesDir, "no-dockerfile"));
  });

  afterEach(() => {
    rmSync(imagesDir, { recursive: true, force: true });
  });

  it("reads every folder with a Dockerfile", () => {
    const all = readRecipes(imagesDir);
    expect([...all.keys()].sort()).toEqual(["base", "child", "other"]);
    expect(all.get("child")?.parents).toEqual(["base"]);
    expect(all.get("child")?.publishAs).toEqual(["child:1"]);
    expect(all.get("base")?.dir).toBe(path.join(imagesDir, "base"));
  });

  it("hashes each image and the root filesystem to 12 hex digits, stably", () => {
    const first = contentHashes(readRecipes(imagesDir));
    expect([...first.keys()].sort()).toEqual(["base", "child", "other", ROOTFS]);
    for (const h of first.values()) expect(h).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(first.values()).size).toBe(4);
    expect(contentHashes(readRecipes(imagesDir))).toEqual(first);
  });

  it("changes a child's hash when a file of its parent changes, and no one else's", () => {
    const before = contentHashes(readRecipes(imagesDir));
    write("base/files/etc/motd", "hello, world\n");
    const after = contentHashes(readRecipes(imagesDir));
    expect(after.get("base")).not.toBe(before.get("base"));
    expect(after.get("child")).not.toBe(before.get("child"));
    expect(after.get("other")).toBe(before.get("other"));
    expect(after.get(ROOTFS)).toBe(before.get(ROOTFS));
  });

  it("changes an image's hash when a file is added or renamed", () => {
    const before = contentHashes(readRecipes(imagesDir));
    write("other/extra.conf", "x\n");
    const added = contentHashes(readRecipes(imagesDir));
    expect(added.get("other")).not.toBe(before.get("other"));
    expect(added.get("base")).toBe(before.get("base"));
    rmSync(path.join(imagesDir, "other/extra.conf"));
    write("other/renamed.conf", "x\n");
    const renamed = contentHashes(readRecipes(imagesDir));
    expect(renamed.get("other")).not.toBe(added.get("other"));
  });

  it("pins FROM archlab/<parent> to the parent's content tag", () => {
    const hashes = contentHashes(readRecipes(imagesDir));
    const base = hashes.get("base") as string;
    const dockerfile = [
      "FROM archlab/base",
      "RUN true",
      "  from archlab/base:stale AS second",
      "FROM debian:bookworm",
      "RUN echo archlab/base",
    ].join("\n");
    expect(pinParents(dockerfile, hashes)).toBe(
      [
        `FROM archlab/base:${base}`,
        "RUN true",
        `  from archlab/base:${base} AS second`,
        "FROM debian:bookworm",
        "RUN echo archlab/base",
      ].join("\n"),
    );
    expect(imageRef("base", base)).toBe(`archlab/base:${base}`);
    expect(pinParents("FROM archlab/rootfs\n", hashes)).toBe(
      `FROM archlab/rootfs:${hashes.get(ROOTFS)}\n`,
    );
  });

  it("refuses to pin a parent that is not an image", () => {
    expect(() => pinParents("FROM archlab/ghost\n", new Map([["base", "0123456789ab"]]))).toThrow(
      "Dockerfile builds FROM archlab/ghost, which is not an image",
    );
  });
});
