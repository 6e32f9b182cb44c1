// The CLI's engine: the Docker engine of the server's composition root (src/server/app.ts),
// checked reachable, and a grader on its provisioner.
import type Docker from "dockerode";
import { DEFAULT_PATHS, loadLabById } from "../lab/catalog.ts";
import type { LoadedLab, ResolvedStep } from "../lab/loader.ts";
import { closest } from "../lab/suggest.ts";
import { dockerEngine } from "../server/app.ts";
import { assertEngine } from "../server/docker/client.ts";
import type { ImageBuilder } from "../server/docker/images/builder.ts";
import { Grader } from "../server/grader/grader.ts";
import type { DockerProvisioner } from "../server/provisioner/docker/docker-provisioner.ts";

export interface EngineContext {
  docker: Docker;
  images: ImageBuilder;
  provisioner: DockerProvisioner;
  grader: Grader;
}

export async function engineContext(): Promise<EngineContext> {
  const { docker, images, provisioner } = dockerEngine(DEFAULT_PATHS.imagesDir);
  await assertEngine(docker);
  return { docker, images, provisioner, grader: new Grader(provisioner) };
}

/** The lab an environment runs, and the step named `stepId` of it. */
export async function envStep(
  ctx: EngineContext,
  envId: string,
  stepId: string,
): Promise<{ lab: LoadedLab; step: ResolvedStep }> {
  const env = await ctx.provisioner.get(envId);
  const lab = loadLabById(env.labId);
  const step = lab.steps.find((s) => s.id === stepId);
  if (!step) {
    const known = lab.steps.map((s) => s.id);
    const guess = closest(stepId, known);
    throw new Error(
      `lab ${lab.lab.id} has no step "${stepId}"` +
        (guess ? ` (did you mean "${guess}"?)` : "") +
        `; its steps: ${known.join(", ")}`,
    );
  }
  return { lab, step };
}

export { parseDuration } from "../lab/units.ts";
