// Benchmark: what a noisy learner costs the learner next to them. A quiet environment's terminal
// echo (a byte written to its shell until it comes back, p50/p99) and a check's duration (`exec`
// of a one-line script, median), idle and while the noisy environment runs each workload: a fork
// bomb, a memory hog, a CPU burner, a disk filler. Each workload is paired with an idle baseline
// measured just before it (the noisy environment up, nothing running), so a machine whose load
// drifts during the run does not pass for the workload's effect. The noisy environment has the
// limits of tests/integration/neighbours.test.ts and is made afresh for each workload.
// Run: npx tsx bench/neighbours.ts   (KEYS=200 echoes, CHECKS=20 per condition)
import { engine, host, spec } from "../tests/integration/helpers.ts";
import type { Env, Shell } from "../src/server/provisioner/types.ts";

const KEYS = Number(process.env.KEYS ?? 200);
const CHECKS = Number(process.env.CHECKS ?? 20);
const MiB = 1024 ** 2;
const NOISY = { memoryBytes: 128 * MiB, nanoCpus: 500_000_000, pids: 64 };

/** Each workload keeps going until its environment is removed. */
const WORKLOADS: Record<string, string> = {
  "fork bomb": "bash -c ':(){ :|:& };:'",
  "memory hog (OOM-killed, restarted)": "while :; do tail /dev/zero; done",
  "CPU burner (4 busy loops)": "for i in 1 2 3 4; do (while :; do :; done) & done; wait",
  "disk filler (dd 400 MiB, rm, again)":
    "while :; do dd if=/dev/zero of=/var/tmp/fill bs=1M count=400 status=none; rm -f /var/tmp/fill; done",
};

const { provisioner } = engine();

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

async function echoes(shell: Shell, output: { text: string }): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const before = output.text.length;
    const t0 = performance.now();
    shell.stream.write("a");
    while (!output.text.slice(before).includes("a")) await new Promise((r) => setImmediate(r));
    samples.push(performance.now() - t0);
    shell.stream.write("\x7f");
    await new Promise((r) => setTimeout(r, 5));
  }
  return samples;
}

async function checks(quiet: Env): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < CHECKS; i++) {
    const t0 = performance.now();
    await provisioner.exec(
      quiet.id,
      "quiet",
      { script: "test -d /tmp && echo ok" },
      {
        timeoutMs: 60_000,
      },
    );
    samples.push(performance.now() - t0);
  }
  return samples;
}

async function main(): Promise<void> {
  const quiet = await provisioner.create(
    spec([host("quiet")], { labId: "bench-neighbours-quiet", learner: "quiet" }),
  );
  const shell = await provisioner.openShell(quiet.id, "quiet", { cols: 80, rows: 24 });
  const output = { text: "" };
  shell.stream.on("data", (b: Buffer) => (output.text += b.toString("utf8")));
  await new Promise((r) => setTimeout(r, 1000));
  const rows: string[] = [];
  try {
    for (const [name, script] of Object.entries(WORKLOADS)) {
      const noisy = await provisioner.create(
        spec([host("noisy", NOISY)], { labId: "bench-neighbours-noisy", learner: "noisy" }),
      );
      try {
        const idle = await echoes(shell, output);
        void provisioner
          .exec(noisy.id, "noisy", { script }, { timeoutMs: 600_000 })
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 3000));
        const e = await echoes(shell, output);
        const c = await checks(quiet);
        const [idleP99, p99] = [percentile(idle, 99), percentile(e, 99)];
        rows.push(
          `| ${name} | ${percentile(idle, 50).toFixed(1)} / ${idleP99.toFixed(1)} ms | ` +
            `${percentile(e, 50).toFixed(1)} / ${p99.toFixed(1)} ms | ${(p99 / idleP99).toFixed(2)} | ` +
            `${percentile(c, 50).toFixed(0)} ms |`,
        );
        console.error(rows.at(-1));
      } finally {
        await provisioner.destroy(noisy.id);
      }
    }
  } finally {
    shell.close();
    await provisioner.destroy(quiet.id);
  }
  console.log(
    `neighbour's terminal echo (${KEYS} keys) and check (${CHECKS} execs), per workload:`,
  );
  console.log(
    "| noisy environment runs | echo p50 / p99, idle just before | echo p50 / p99, during | p99 ratio | check median, during |",
  );
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
}

await main();
