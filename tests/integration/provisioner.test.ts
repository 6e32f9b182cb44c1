// The Docker provisioner against the real engine: lifecycle, limits and capabilities read back
// from the kernel, network isolation between environments, clean failure, reaper, shells.
import { afterAll, describe, expect, it } from "vitest";
import { ImageMissingError } from "../../src/server/docker/images/builder.ts";
import { findStrays, reap } from "../../src/server/provisioner/docker/reaper.ts";
import { names } from "../../src/server/provisioner/docker/container-config.ts";
import { ProvisionError, type Env } from "../../src/server/provisioner/types.ts";
import { engine, host, objectsOf, spec } from "./helpers.ts";

const { docker, provisioner } = engine();
const created: string[] = [];

async function up(...args: Parameters<typeof provisioner.create>): Promise<Env> {
  const env = await provisioner.create(...args);
  created.push(env.id);
  return env;
}

async function sh(envId: string, hostName: string, script: string) {
  return provisioner.exec(envId, hostName, { script }, { timeoutMs: 15_000 });
}

afterAll(async () => {
  for (const id of created) await provisioner.destroy(id).catch(() => undefined);
});

describe("environment lifecycle", () => {
  it("creates labelled hosts on a private network and destroy leaves nothing behind", async () => {
    const events: string[] = [];
    const env = await up(spec([host("alpha"), host("beta")]), (e) =>
      events.push(`${e.host}:${e.phase}`),
    );
    expect(env.hosts.map((h) => h.name)).toEqual(["alpha", "beta"]);
    expect(events).toContain("alpha:ready");
    const objects = await objectsOf(docker, env.id);
    expect(objects).toContain(`network ${names.network(env.id, "lab")}`);
    expect(objects.filter((o) => o.startsWith("container"))).toHaveLength(2);
    // Hosts reach each other by name on the environment's network.
    const ping = await sh(
      env.id,
      "alpha",
      "getent hosts beta && ping -c1 -W2 beta >/dev/null && echo reached",
    );
    expect(ping.stdout).toContain("reached");

    await provisioner.destroy(env.id);
    expect(await objectsOf(docker, env.id)).toEqual([]);
    await expect(provisioner.get(env.id)).rejects.toThrow(/unknown environment/);
  });

  it("applies memory, CPU and process limits and drops capabilities (read back from the kernel)", async () => {
    const env = await up(
      spec([host("limited", { memoryBytes: 96 * 1024 ** 2, nanoCpus: 300_000_000, pids: 50 })]),
    );
    const info = await docker.getContainer(names.container(env.id, "limited")).inspect();
    expect(info.HostConfig.Memory).toBe(96 * 1024 ** 2);
    expect(info.HostConfig.NanoCpus).toBe(300_000_000);
    expect(info.HostConfig.PidsLimit).toBe(50);
    expect(info.HostConfig.CapDrop).toEqual(["ALL"]);

    const inside = await sh(
      env.id,
      "limited",
      [
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max",
        "cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max",
        "grep CapEff /proc/self/status | awk '{print $2}'",
      ].join("\n"),
    );
    const [memory, pids, capEff] = inside.stdout.trim().split("\n");
    expect(Number(memory)).toBe(96 * 1024 ** 2);
    expect(pids).toBe("50");
    const caps = BigInt(`0x${capEff}`);
    const has = (bit: number) => (caps & (1n << BigInt(bit))) !== 0n;
    expect(has(0)).toBe(true); // CAP_CHOWN kept
    expect(has(13)).toBe(false); // CAP_NET_RAW dropped
    expect(has(21)).toBe(false); // CAP_SYS_ADMIN dropped
    expect(has(27)).toBe(false); // CAP_MKNOD dropped
  });

  it("keeps two environments apart on the network", async () => {
    const service = { command: ["nc", "-lk", "7000"] };
    const a = await up(spec([host("node", service)]));
    const b = await up(spec([host("node", service)]));
    const bInfo = await docker.getContainer(names.container(b.id, "node")).inspect();
    const bIp = Object.values(bInfo.NetworkSettings.Networks)[0]?.IPAddress;
    expect(bIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const aInfo = await docker.getContainer(names.container(a.id, "node")).inspect();
    const aIp = Object.values(aInfo.NetworkSettings.Networks)[0]?.IPAddress;

    // Control: inside an environment the port answers.
    const own = await sh(b.id, "node", `nc -z -w 2 ${bIp} 7000 && echo open || echo closed`);
    expect(own.stdout.trim()).toBe("open");
    // Across environments: neither the port nor ping gets through.
    const cross = await sh(a.id, "node", `nc -z -w 2 ${bIp} 7000 && echo open || echo closed`);
    expect(cross.stdout.trim()).toBe("closed");
    const crossPing = await sh(
      a.id,
      "node",
      `ping -c1 -W2 ${bIp} >/dev/null && echo reached || echo unreachable`,
    );
    expect(crossPing.stdout.trim()).toBe("unreachable");
    expect(aIp).not.toBe(bIp);
  });
});

describe("the environment's registry mirror", () => {
  it("comes back when its process is killed (as the OOM killer did), and pulls work again", async () => {
    const env = await up(
      spec([host("ws", { image: "dind", type: "dind", memoryBytes: 1024 ** 3, pids: 2048 })], {
        labId: "mirror-restart",
      }),
    );
    const pull = () =>
      provisioner.exec(
        env.id,
        "ws",
        {
          // The inner engine starts beside the mirror; nothing reachable but the mirror serves it.
          script:
            "for i in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done; docker pull -q redis:7",
        },
        { timeoutMs: 120_000 },
      );
    const mirror = docker.getContainer(names.container(env.id, "archlab-mirror"));
    const before = await mirror.inspect();
    expect(before.HostConfig.Memory).toBeGreaterThanOrEqual(256 * 1024 ** 2);
    // SIGKILL from outside the engine, as the kernel's OOM killer sends it: `docker kill` would
    // count as stopped by hand and never restart.
    process.kill(before.State.Pid, "SIGKILL");
    let after = await mirror.inspect();
    for (let i = 0; i < 60 && !(after.RestartCount > 0 && after.State.Running); i++) {
      await new Promise((r) => setTimeout(r, 500));
      after = await mirror.inspect();
    }
    expect(after.RestartCount, "the engine started the mirror again").toBeGreaterThan(0);
    expect(after.State.Running).toBe(true);
    const pulled = await pull();
    expect(pulled.exitCode, `${pulled.stdout}\n${pulled.stderr}`).toBe(0);
    expect(pulled.stderr).not.toContain("registry-1.docker.io");
  }, 240_000);
});

describe("failures leave nothing half-done", () => {
  it("removes everything when a host fails to start, and names it with its last output", async () => {
    const before = await objectsOf(docker);
    const failing = host("broken", {
      command: ["sh", "-c", "echo disk on fire >&2; exit 3"],
      ready: { command: "true", timeoutMs: 10_000 },
    });
    const error = await provisioner.create(spec([host("fine"), failing])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).host).toBe("broken");
    expect((error as Error).message).toMatch(/exit code 3/);
    expect((error as Error).message).toContain("disk on fire");
    expect(await objectsOf(docker)).toEqual(before);
  });

  it("refuses an image that is not built before creating anything", async () => {
    const before = await objectsOf(docker);
    const error = await provisioner
      .create(spec([host("ghost", { image: "no-such-image" })]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageMissingError);
    expect((error as Error).message).toContain("archlab images build no-such-image");
    expect(await objectsOf(docker)).toEqual(before);
  });

  it("rejects unknown environments and hosts with the known ones named", async () => {
    await expect(provisioner.get("e0000000000")).rejects.toThrow(
      /unknown environment "e0000000000"/,
    );
    await expect(provisioner.destroy("../../etc")).rejects.toThrow(/unknown environment/);
    const env = await up(spec([host("only")]));
    await expect(sh(env.id, "other", "true")).rejects.toThrow(/no host "other"; its hosts: only/);
  });
});

describe("reaper", () => {
  it("removes environments whose owner died or that expired, and keeps live ones", async () => {
    const orphan = await up(spec([host("stray")], { owner: "pid:999999999@deadbeef" }));
    const expired = await up(spec([host("old")], { ttlMs: 1 }));
    const live = await up(spec([host("kept")]));
    await new Promise((r) => setTimeout(r, 5));

    const strays = await findStrays(docker);
    expect(strays.map((s) => s.envId)).toEqual(expect.arrayContaining([orphan.id, expired.id]));
    expect(strays.map((s) => s.envId)).not.toContain(live.id);

    await reap(docker, provisioner);
    expect(await objectsOf(docker, orphan.id)).toEqual([]);
    expect(await objectsOf(docker, expired.id)).toEqual([]);
    expect((await objectsOf(docker, live.id)).length).toBeGreaterThan(0);
  });
});

describe("exec and shells", () => {
  it("runs a script through stdin and ends it at its time limit, killing what it started", async () => {
    const env = await up(spec([host("box")]));
    const ok = await sh(env.id, "box", "echo from-stdin; exit 0");
    expect(ok).toMatchObject({ exitCode: 0, timedOut: false });
    expect(ok.stdout.trim()).toBe("from-stdin");
    // A command that reads stdin must not swallow the rest of the script.
    const greedy = await sh(env.id, "box", "cat\necho still-running\nexit 4");
    expect(greedy).toMatchObject({ exitCode: 4 });
    expect(greedy.stdout.trim()).toBe("still-running");

    const slow = await provisioner.exec(
      env.id,
      "box",
      { script: "sleep 300" },
      { timeoutMs: 2000 },
    );
    expect(slow.timedOut).toBe(true);
    const left = await sh(env.id, "box", "pgrep -f 'sleep 300' || echo none");
    expect(left.stdout.trim()).toBe("none");
  });

  it("opens an interactive shell that runs commands and follows resizes", async () => {
    const env = await up(spec([host("term")]));
    const shell = await provisioner.openShell(env.id, "term", { cols: 100, rows: 30 });
    let screen = "";
    shell.stream.on("data", (d: Buffer) => (screen += d.toString()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 100 && !re.test(screen); i++)
        await new Promise((r) => setTimeout(r, 100));
      return re.test(screen);
    };
    shell.stream.write("echo $((6*7))\n");
    expect(await waitFor(/[\r\n]42\r?\n/)).toBe(true);
    shell.stream.write("stty size\n");
    expect(await waitFor(/30 100/)).toBe(true);
    await shell.resize({ cols: 120, rows: 40 });
    shell.stream.write("stty size\n");
    expect(await waitFor(/40 120/)).toBe(true);
    shell.stream.write("exit 7\n");
    expect(await shell.exited).toBe(7);
  });
});
