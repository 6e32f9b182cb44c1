// Benchmark: time to a ready redis-replication environment through archlab's provisioner,
// against a plain shell script doing the same container creates and starts with the docker
// CLI, in the same run; plus a warm `archlab images build`. Prints medians and the ratio.
// Run: npm run bench  (needs the images built: archlab images build)
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { loadLabById } from "../src/lab/catalog.ts";
import { dockerClient } from "../src/server/docker/client.ts";
import { ImageBuilder } from "../src/server/docker/images/builder.ts";
import { DEFAULT_PATHS } from "../src/lab/catalog.ts";
import { DockerProvisioner } from "../src/server/provisioner/docker/docker-provisioner.ts";
import { processOwner } from "../src/server/provisioner/owner.ts";
import { envSpecFromLab } from "../src/server/provisioner/spec.ts";

const RUNS = Number(process.env.RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The same hosts as the lab, created with the docker CLI and waited for with docker exec. */
function plainScript(images: ImageBuilder): string {
  const redis = images.refFor("redis");
  const ws = images.refFor("workstation");
  return `
set -e
net=bench-$$
docker network create $net >/dev/null
for h in redis-1 redis-2 redis-3; do
  docker run -d --name $net-$h --network $net --network-alias $h -m 128m --cpus 0.25 ${redis} >/dev/null
done
for h in sentinel-1 sentinel-2 sentinel-3; do
  docker run -d --name $net-$h --network $net --network-alias $h -m 64m --cpus 0.25 ${redis} archlab-sentinel >/dev/null
done
docker run -d --name $net-tools --network $net -m 128m ${ws} >/dev/null
docker run -d --name $net-grader --network $net -m 64m ${ws} >/dev/null
for h in redis-1 redis-2 redis-3; do
  until docker exec $net-$h bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379' 2>/dev/null; do sleep 0.25; done
done
for h in sentinel-1 sentinel-2 sentinel-3; do
  until docker exec $net-$h bash -c 'exec 3<>/dev/tcp/127.0.0.1/26379' 2>/dev/null; do sleep 0.25; done
done
echo $net
`;
}

async function main(): Promise<void> {
  const docker = dockerClient();
  const images = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
  const provisioner = new DockerProvisioner(docker, images);
  const lab = loadLabById("redis-replication");
  const archlab: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = Date.now();
    const env = await provisioner.create(
      envSpecFromLab(lab.lab, { learner: "bench", owner: processOwner(), ttlMs: 600_000 }),
    );
    archlab.push(Date.now() - t0);
    await provisioner.destroy(env.id);

    t0 = Date.now();
    const net = execFileSync("bash", ["-c", plainScript(images)], { encoding: "utf8" }).trim();
    plain.push(Date.now() - t0);
    execFileSync("bash", [
      "-c",
      `docker rm -f $(docker ps -aq --filter name=${net}-) >/dev/null; docker network rm ${net} >/dev/null`,
    ]);
  }
  const warm: number[] = [];
  const bin = path.resolve(import.meta.dirname, "../bin/archlab.js");
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    spawnSync(process.execPath, [bin, "images", "build", "--no-publish"], { stdio: "ignore" });
    warm.push(Date.now() - t0);
  }
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`redis-replication ready (8 hosts), median of ${RUNS}:`);
  console.log(
    `  archlab provisioner   ${fmt(median(archlab))}   runs: ${archlab.map(fmt).join(", ")}`,
  );
  console.log(`  plain docker script   ${fmt(median(plain))}   runs: ${plain.map(fmt).join(", ")}`);
  console.log(`  ratio archlab/plain   ${(median(archlab) / median(plain)).toFixed(2)}`);
  console.log(
    `warm \`archlab images build\` (nothing to rebuild), median of 3: ${fmt(median(warm))}`,
  );
}

await main();
