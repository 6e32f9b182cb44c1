// The isolation probe (issue 10), shared by isolation.test.ts (every lab's environment) and
// cluster.test.ts (the terminals of a running Kubernetes cluster, so that the probe does not start
// a cluster of its own). From a terminal opened the way the browser terminal opens it
// (provisioner.openShell: the same exec user and options), isolation-probe.sh tries what a
// curious learner would: open a host-wide sysctl for writing, make and read a device node of the
// machine's disk, load a kernel module, mount the machine's disk or a cgroup hierarchy, reach the
// machine's Docker engine, see another environment's processes or network; and, where the learner
// has a Docker engine, `docker run --privileged --pid=host --net=host -v /:/host` the same probe.
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { DockerEngine } from "../../src/server/app.ts";
import { names } from "../../src/server/provisioner/docker/container-config.ts";
import type { Env, EnvSpec, HostSpec } from "../../src/server/provisioner/types.ts";
import { host, spec } from "./helpers.ts";

const PROBE = readFileSync(path.join(import.meta.dirname, "isolation-probe.sh"), "utf8");
/** An image the learner's own engine pulls from the offline mirror for the privileged probe. */
const INNER_IMAGE = "redis:7";

/** The machine's root disk, as major:minor of the device behind `/`. */
function rootDisk(): { major: number; minor: number } {
  const dev = statSync("/").dev;
  return { major: (dev >> 8) & 0xfff, minor: (dev & 0xff) | ((dev >> 12) & 0xfff00) };
}

export interface IsolationProbe {
  /** Probes every terminal host of `env` and fails the test naming each attempt that succeeded. */
  probeTerminals(env: Env, terminals: HostSpec[]): Promise<void>;
  /** Removes the marker file and the neighbour environment. */
  close(): Promise<void>;
}

/**
 * Sets up what the probe looks for: a marker file on the machine's filesystem, and a neighbour
 * environment whose process and address no learner may see.
 */
export async function startIsolationProbe({
  docker,
  provisioner,
}: DockerEngine): Promise<IsolationProbe> {
  const suffix = randomBytes(6).toString("hex");
  const marker = `archlab-isolation-${suffix}`;
  const markerPath = `/var/tmp/${marker}`;
  const neighbourToken = `archlab-neighbour-${suffix}`;
  writeFileSync(markerPath, "the machine's file\n");
  const neighbour = await provisioner.create(
    spec(
      [
        host("neighbour", {
          command: ["bash", "-c", `(exec -a ${neighbourToken} sleep infinity) & exec nc -lk 7777`],
        }),
      ],
      { labId: "isolation-neighbour" },
    ),
  );
  const info = await docker.getContainer(names.container(neighbour.id, "neighbour")).inspect();
  const neighbourIp = Object.values(info.NetworkSettings.Networks)[0]?.IPAddress ?? "";
  const machineIps = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === "IPv4" && !a.internal && !a.address.startsWith("10.213."))
    .map((a) => a?.address);
  const disk = rootDisk();
  const engineId = ((await docker.info()) as { ID: string }).ID;
  expect(engineId, "the machine's engine has an ID to recognise it by").toMatch(/\S/);
  expect(neighbourIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  const values: Record<string, string> = {
    MACHINE_ENGINE_ID: engineId,
    DISK_MAJOR: String(disk.major),
    DISK_MINOR: String(disk.minor),
    MACHINE_IPS: machineIps.join(" "),
    MARKER: marker,
    NEIGHBOUR_TOKEN: neighbourToken,
    NEIGHBOUR_IP: neighbourIp,
    INNER_IMAGE,
  };
  // Defaults that an inner run (WHERE set by `docker run -e`) keeps.
  const params = Object.entries(values)
    .map(([k, v]) => `: "\${${k}:=${v}}"`)
    .join("\n");

  /** Runs the probe in the learner's terminal on `hostName` and returns its report lines. */
  async function probeInTerminal(envId: string, hostName: string): Promise<string[]> {
    const shell = await provisioner.openShell(envId, hostName, { cols: 200, rows: 50 });
    let out = "";
    shell.stream.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    const script = `${params}\n${PROBE}`;
    // Typed as a learner would paste it: base64 lines (a TTY line holds at most 4 KiB).
    const b64 = (
      Buffer.from(script)
        .toString("base64")
        .match(/.{1,76}/g) ?? []
    ).join("\n");
    shell.stream.write(`stty -echo; cat > /tmp/.probe.b64 <<'ARCHLAB_EOF'\n${b64}\nARCHLAB_EOF\n`);
    shell.stream.write(
      "base64 -d /tmp/.probe.b64 > /tmp/.probe.sh && bash /tmp/.probe.sh 2>&1 | " +
        "sed 's/^/PROBE| /'; echo PROBE-END-$((40+2))\n",
    );
    const deadline = Date.now() + 300_000;
    while (!out.includes("PROBE-END-42") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    shell.close();
    expect(out, `the probe finished in ${hostName}'s terminal:\n${out.slice(-2000)}`).toContain(
      "PROBE-END-42",
    );
    return out
      .split(/\r?\n/)
      .filter((l) => l.startsWith("PROBE| "))
      .map((l) => l.slice("PROBE| ".length).trim());
  }

  return {
    async probeTerminals(env, terminals) {
      const escapes: string[] = [];
      const unproven: string[] = [];
      const reports: string[] = [];
      for (const h of terminals) {
        const report = await probeInTerminal(env.id, h.name);
        const attempts = report.filter((l) => /^(ESCAPE|blocked) /.test(l));
        expect(
          attempts.length,
          `${h.name}: the probe ran its attempts\n${report.join("\n")}`,
        ).toBeGreaterThan(10);
        escapes.push(...report.filter((l) => l.startsWith("ESCAPE")).map((l) => `${h.name}: ${l}`));
        reports.push(`${h.name}:\n${report.join("\n")}`);
        // Where the learner has an engine, the privileged inner run must really have happened.
        if (
          h.type === "dind" &&
          !report.some((l) => /^(ESCAPE|blocked) \[privileged-container\]/.test(l))
        )
          unproven.push(`${h.name}: ${report.find((l) => l.includes("did not run")) ?? "?"}`);
      }
      expect(escapes, `attempts that succeeded:\n${escapes.join("\n")}`).toEqual([]);
      expect(
        unproven,
        `docker run --privileged did not run the probe:\n${reports.join("\n")}`,
      ).toEqual([]);
    },
    async close() {
      rmSync(markerPath, { force: true });
      await provisioner.destroy(neighbour.id).catch(() => undefined);
    },
  };
}

/** The hosts of `envSpec` that a learner gets a terminal on. */
export function terminalHosts(envSpec: EnvSpec): HostSpec[] {
  return envSpec.hosts.filter((h) => h.terminal);
}
