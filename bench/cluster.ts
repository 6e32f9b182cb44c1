// Benchmark: a Kubernetes lab's cluster ready (every node Ready, DNS pod running) through
// archlab, against the same cluster brought up by hand with the docker CLI (bench/cluster-raw.sh)
// in the same run; memory per cluster environment; and a learner's wait when a warm pool holds
// one ready cluster (take it, then the first `kubectl get nodes` answers).
// Run: npx tsx bench/cluster.ts   (needs the images built; RUNS=3 by default; FIT=3 also starts
// three clusters at once to see whether the machine holds them)
import { execFileSync } from "node:child_process";
import path from "node:path";
import { DEFAULT_PATHS, loadLabById } from "../src/lab/catalog.ts";
import { dockerClient } from "../src/server/docker/client.ts";
import { ImageBuilder } from "../src/server/docker/images/builder.ts";
import { DockerProvisioner } from "../src/server/provisioner/docker/docker-provisioner.ts";
import { names } from "../src/server/provisioner/docker/container-config.ts";
import { processOwner } from "../src/server/provisioner/owner.ts";
import { envSpecFromLab } from "../src/server/provisioner/spec.ts";
import { WarmPool } from "../src/server/sessions/warm-pool.ts";

const RUNS = Number(process.env.RUNS ?? 3);
const LAB = "kubernetes-basics";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Memory the environment's containers use now (cgroup usage minus page cache), in MiB. */
function memoryMiB(containerNames: string[]): Record<string, number> {
  const out = execFileSync(
    "docker",
    ["stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", ...containerNames],
    { encoding: "utf8" },
  );
  const units: Record<string, number> = { KiB: 1 / 1024, MiB: 1, GiB: 1024 };
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((line) => {
        const [name, usage] = line.split(" ") as [string, string];
        const m = /^([\d.]+)(KiB|MiB|GiB)/.exec(usage);
        return [name, m ? Number(m[1]) * (units[m[2] as string] as number) : NaN];
      }),
  );
}

async function main(): Promise<void> {
  const docker = dockerClient();
  const images = new ImageBuilder(docker, DEFAULT_PATHS.imagesDir);
  const provisioner = new DockerProvisioner(docker, images);
  const lab = loadLabById(LAB);
  const spec = () =>
    envSpecFromLab(lab.lab, { learner: "bench", owner: processOwner(), ttlMs: 3_600_000 });
  const archlab: number[] = [];
  const raw: number[] = [];
  let memory: Record<string, number> = {};
  for (let i = 0; i < RUNS; i++) {
    let t0 = Date.now();
    const env = await provisioner.create(spec());
    archlab.push(Date.now() - t0);
    if (i === 0) {
      // Let the cluster settle a little, as a learner's would before the first command.
      await new Promise((r) => setTimeout(r, 15_000));
      memory = memoryMiB(env.hosts.map((h) => names.container(env.id, h.name)));
    }
    await provisioner.destroy(env.id);

    t0 = Date.now();
    const script = path.resolve(import.meta.dirname, "cluster-raw.sh");
    const net = execFileSync(
      "bash",
      [
        script,
        images.refFor("kube-control-plane"),
        images.refFor("kube-node"),
        images.refFor("kube-workstation"),
        images.refFor("registry"),
      ],
      { encoding: "utf8" },
    ).trim();
    raw.push(Date.now() - t0);
    execFileSync("bash", [
      "-c",
      `docker rm -f -v $(docker ps -aq --filter name=${net}-) >/dev/null; docker volume rm ${net}-node1 ${net}-node2 >/dev/null; docker network rm ${net} >/dev/null`,
    ]);
  }

  const pool = new WarmPool(provisioner, [lab], {
    size: 1,
    memoryBudgetBytes: 8 * 1024 ** 3,
    owner: processOwner(),
    ttlMs: 3_600_000,
  });
  void pool.refill();
  await pool.full();
  const t0 = Date.now();
  const pooled = pool.take(LAB);
  if (!pooled) throw new Error("the pool did not fill");
  const first = await provisioner.exec(
    pooled.id,
    "workstation",
    { script: "kubectl get nodes" },
    { timeoutMs: 30_000 },
  );
  const fromPool = Date.now() - t0;
  if (first.exitCode !== 0) throw new Error(`kubectl failed: ${first.stderr}`);
  await provisioner.destroy(pooled.id);
  await pool.drain();

  // How many clusters this machine holds: FIT of them started at once, all must come up.
  const fit = Number(process.env.FIT ?? 0);
  let fitLine = "";
  if (fit > 0) {
    const t1 = Date.now();
    const settled = await Promise.allSettled(
      Array.from({ length: fit }, () => provisioner.create(spec())),
    );
    const upMs = Date.now() - t1;
    const up = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const mem = memoryMiB(up.flatMap((e) => e.hosts.map((h) => names.container(e.id, h.name))));
    const used = Object.values(mem).reduce((a, b) => a + b, 0);
    const failed = settled.flatMap((r) =>
      r.status === "rejected" ? [String((r.reason as Error).message).split("\n")[0]] : [],
    );
    fitLine = `${fit} clusters started at once: ${up.length} ready in ${fmt(upMs)}, ${used.toFixed(0)} MiB used in all${failed.length ? `; failed: ${failed.join(" | ")}` : ""}`;
    await Promise.all(up.map((e) => provisioner.destroy(e.id)));
  }

  console.log(`${LAB} cluster ready (cp + 2 nodes + workstation + grader), median of ${RUNS}:`);
  console.log(
    `  archlab provisioner   ${fmt(median(archlab))}   runs: ${archlab.map(fmt).join(", ")}`,
  );
  console.log(`  by hand (docker CLI)  ${fmt(median(raw))}   runs: ${raw.map(fmt).join(", ")}`);
  console.log(`  ratio archlab/by hand ${(median(archlab) / median(raw)).toFixed(2)}`);
  console.log(`  from a warm pool: take + first kubectl answer ${fmt(fromPool)}`);
  const total = Object.values(memory).reduce((a, b) => a + b, 0);
  console.log(`memory 15 s after ready: ${total.toFixed(0)} MiB in all`);
  for (const [name, mib] of Object.entries(memory))
    console.log(`  ${name.padEnd(44)} ${mib.toFixed(0)} MiB`);
  if (fitLine) console.log(fitLine);
}

await main();
