// The image builder against the real engine: content tags skip unchanged images, and a failing
// RUN names the image, the Dockerfile line and the real error.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PATHS } from "../../src/lab/catalog.ts";
import { dockerClient } from "../../src/server/docker/client.ts";
import { ImageBuildError, ImageBuilder } from "../../src/server/docker/images/builder.ts";

function imagesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "archlab-images-"));
  cpSync(path.join(DEFAULT_PATHS.imagesDir, "base"), path.join(dir, "base"), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("image builder", () => {
  const docker = dockerClient();

  it("builds a new image once, then finds it up to date", async () => {
    const marker = `marker-${Date.now()}`;
    const dir = imagesDir({
      "tiny/Dockerfile": `FROM archlab/base\nRUN echo ${marker} > /marker\n`,
    });
    const builder = new ImageBuilder(docker, dir);
    const plan = await builder.plan(["tiny"]);
    expect(plan.map((p) => p.name)).toEqual(["rootfs", "base", "tiny"]);
    const tiny = plan.at(-1)!;
    expect(tiny.upToDate).toBe(false);
    for (const item of plan) if (!item.upToDate) await builder.build(item, () => undefined);
    expect((await builder.plan(["tiny"])).every((p) => p.upToDate)).toBe(true);
    const ref = await builder.resolve("tiny");
    const out = await docker.run(ref, ["cat", "/marker"], process.stdout, {
      HostConfig: { AutoRemove: true },
    });
    expect(out[0].StatusCode).toBe(0);
    await docker.getImage(ref).remove({ force: true });
  });

  it("names the image, the Dockerfile line and the real error when a RUN fails", async () => {
    const dir = imagesDir({
      "broken/Dockerfile":
        "FROM archlab/base\nRUN echo fine\n# a comment\nRUN apt-get install -y no-such-package-xyz\n",
    });
    const builder = new ImageBuilder(docker, dir);
    const plan = await builder.plan(["broken"]);
    let error: unknown;
    try {
      for (const item of plan) if (!item.upToDate) await builder.build(item, () => undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageBuildError);
    expect((error as Error).message).toContain(
      'image "broken" failed to build at infra/images/broken/Dockerfile:4',
    );
    expect((error as Error).message).toContain("returned a non-zero code: 100");
    expect((error as Error).message).toContain("Unable to locate package no-such-package-xyz");
  });
});
