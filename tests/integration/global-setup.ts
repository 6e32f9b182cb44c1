// Before the integration tests: the engine must answer, and every lab image must be built and
// published (a cold machine builds them here, which takes a few minutes).
import { assertEngine, dockerClient } from "../../src/server/docker/client.ts";
import { ImageBuilder } from "../../src/server/docker/images/builder.ts";
import { publishImages } from "../../src/server/docker/images/publish.ts";
import { DEFAULT_PATHS } from "../../src/lab/catalog.ts";

export default async function setup(): Promise<void> {
  const docker = dockerClient();
  await assertEngine(docker);
  const builder = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
  for (const item of await builder.plan([])) {
    if (item.upToDate) continue;
    const t0 = Date.now();
    console.log(`[setup] building image ${item.name} (${item.ref})`);
    await builder.build(item, () => undefined);
    console.log(`[setup] built ${item.name} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const published = await publishImages(docker, builder, () => undefined);
  console.log(`[setup] published ${published.join(", ")}`);
}
