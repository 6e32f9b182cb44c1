import { describe, expect, it } from "vitest";
import { LABEL } from "../../docker/labels.ts";
import { processOwner } from "../owner.ts";
import type { EnvSpec, HostSpec } from "../types.ts";
import {
  containerConfig,
  DEFAULT_CAPS,
  DIND_CAPS,
  DIND_SECCOMP,
  envLabels,
  MIRROR_ALIAS,
  mirrorHost,
  names,
  TUN_DEVICE,
} from "./container-config.ts";
import { strayReason } from "./reaper.ts";

const ENV = "e1a2b3";

function hostSpec(partial: Partial<HostSpec> = {}): HostSpec {
  return {
    name: "redis-1",
    image: "redis",
    type: "container",
    env: { MODE: "primary" },
    networks: ["front", "back"],
    ports: [6379, 8080],
    memoryBytes: 128 * 1024 ** 2,
    nanoCpus: 250_000_000,
    pids: 128,
    capAdd: [],
    terminal: true,
    ...partial,
  };
}

function envSpec(hosts: HostSpec[]): EnvSpec {
  return {
    labId: "demo",
    learner: "ada",
    owner: "cli",
    ttlMs: 60_000,
    networks: ["front", "back"],
    hosts,
  };
}

function configFor(host: HostSpec) {
  const labels = envLabels(ENV, envSpec([host]), 1_000);
  return containerConfig(ENV, envSpec([host]), host, "archlab/redis:0123456789ab", labels);
}

/** Every volume/bind source the container would see, whatever the API field. */
function mountSources(config: ReturnType<typeof configFor>): string[] {
  const hc = config.HostConfig ?? {};
  return [
    ...(hc.Mounts ?? []).map((m) => `${m.Source ?? ""}:${m.Target}`),
    ...(hc.Binds ?? []),
    ...(hc.VolumesFrom ?? []),
  ];
}

describe("containerConfig: an ordinary host", () => {
  const host = hostSpec({ capAdd: ["NET_ADMIN", "CHOWN"], command: ["redis-server"] });
  const config = configFor(host);
  const hc = config.HostConfig ?? {};

  it("is named, labelled and placed on the environment's first network", () => {
    expect(config.name).toBe(`archlab-${ENV}-redis-1`);
    expect(config.Hostname).toBe("redis-1");
    expect(config.Image).toBe("archlab/redis:0123456789ab");
    expect(config.Cmd).toEqual(["redis-server"]);
    expect(config.Env).toEqual(["MODE=primary"]);
    expect(config.Labels?.[LABEL.host]).toBe("redis-1");
    expect(config.Labels?.[LABEL.env]).toBe(ENV);
    expect(hc.NetworkMode).toBe(names.network(ENV, "front"));
    expect(config.NetworkingConfig?.EndpointsConfig).toEqual({
      [`archlab-${ENV}-front`]: { Aliases: ["redis-1"] },
    });
  });

  it("records the terminal's user in a label only when the lab names one", () => {
    expect(config.Labels).not.toHaveProperty(LABEL.user);
    const withUser = containerConfig(ENV, envSpec([]), hostSpec({ user: "learner" }), "img", {});
    expect(withUser.Labels?.[LABEL.user]).toBe("learner");
  });

  it("drops every capability and adds back only the default set plus its capAdd", () => {
    expect(hc.CapDrop).toEqual(["ALL"]);
    expect([...(hc.CapAdd ?? [])].sort()).toEqual([...DEFAULT_CAPS, "NET_ADMIN"].sort());
    expect(new Set(hc.CapAdd).size).toBe(hc.CapAdd?.length); // CHOWN not listed twice
    for (const dangerous of ["ALL", "SYS_ADMIN", "NET_RAW", "SYS_PTRACE", "MKNOD"]) {
      expect(hc.CapAdd).not.toContain(dangerous);
    }
    expect(DEFAULT_CAPS).not.toContain("NET_RAW");
    expect(DEFAULT_CAPS).not.toContain("SYS_ADMIN");
  });

  it("adds exactly the default set when the host asks for nothing more", () => {
    expect(configFor(hostSpec()).HostConfig?.CapAdd).toEqual(DEFAULT_CAPS);
  });

  it("forbids gaining privileges and is never privileged", () => {
    expect(hc.SecurityOpt).toContain("no-new-privileges");
    expect(hc.Privileged).not.toBe(true);
    expect(hc.SecurityOpt?.join(" ") ?? "").not.toMatch(/unconfined/);
  });

  it("limits memory without swap, CPUs and processes", () => {
    expect(hc.Memory).toBe(128 * 1024 ** 2);
    expect(hc.MemorySwap).toBe(hc.Memory);
    expect(hc.NanoCpus).toBe(250_000_000);
    expect(hc.PidsLimit).toBe(128);
    expect(hc.Init).toBe(true);
  });

  it("publishes ports on the loopback only, on ports Docker picks", () => {
    expect(config.ExposedPorts).toEqual({ "6379/tcp": {}, "8080/tcp": {} });
    const bindings = Object.values(hc.PortBindings ?? {}) as {
      HostIp: string;
      HostPort: string;
    }[][];
    expect(Object.keys(hc.PortBindings ?? {})).toEqual(["6379/tcp", "8080/tcp"]);
    for (const list of bindings) {
      expect(list).toEqual([{ HostIp: "127.0.0.1", HostPort: "" }]);
    }
  });

  it("does not get the registry mirror nor a Docker volume", () => {
    expect(config.Env?.some((e) => e.startsWith("REGISTRY_MIRROR="))).toBe(false);
    expect(hc.Mounts).toEqual([]);
  });

  it("never mounts the Docker socket", () => {
    expect(mountSources(config).join(" ")).not.toContain("docker.sock");
    expect(JSON.stringify(config)).not.toContain("docker.sock");
  });
});

describe("containerConfig: a dind host", () => {
  const host = hostSpec({
    name: "workstation",
    image: "dind",
    type: "dind",
    env: { DOCKER_TCP_PORT: "2375" },
    ports: [],
    capAdd: ["NET_ADMIN"],
  });
  const config = configFor(host);
  const hc = config.HostConfig ?? {};

  it("drops every capability but the three newuidmap/newgidmap need, whatever capAdd says", () => {
    expect(hc.CapDrop).toEqual(["ALL"]);
    expect(hc.CapAdd).toEqual(DIND_CAPS);
    expect(DIND_CAPS).toEqual(["SETUID", "SETGID", "SETFCAP"]);
    expect(hc.Privileged).not.toBe(true);
  });

  it("gets no device but the tun device of its engine's network, and its own cgroups", () => {
    expect(hc.Devices).toEqual([
      { PathOnHost: TUN_DEVICE, PathInContainer: TUN_DEVICE, CgroupPermissions: "rwm" },
    ]);
    expect(hc.DeviceCgroupRules ?? []).toEqual([]);
    expect(hc).not.toHaveProperty("CgroupnsMode", "host");
  });

  it("filters module, kexec, BPF, perf, keyring and io_uring system calls", () => {
    const seccomp = (hc.SecurityOpt ?? []).find((o: string) => o.startsWith("seccomp="));
    expect(seccomp).toBeDefined();
    const profile = JSON.parse((seccomp as string).slice("seccomp=".length)) as typeof DIND_SECCOMP;
    const denied = profile.syscalls.flatMap((r) => r.names);
    for (const call of ["init_module", "finit_module", "kexec_load", "bpf", "perf_event_open"])
      expect(denied).toContain(call);
    for (const call of ["keyctl", "io_uring_setup", "userfaultfd"]) expect(denied).toContain(call);
    // What the rootless engine needs stays allowed.
    for (const call of ["unshare", "mount", "setns", "pivot_root", "clone"])
      expect(denied).not.toContain(call);
    expect(hc.SecurityOpt).not.toContain("seccomp=unconfined");
  });

  it("lets its learner-run port forwarder bind low ports in its own network namespace", () => {
    expect(hc.Sysctls).toMatchObject({ "net.ipv4.ip_unprivileged_port_start": "0" });
  });

  it("keeps its images in its own /var/lib/docker volume", () => {
    expect(hc.Mounts).toContainEqual({
      Type: "volume",
      Source: names.dockerVolume(ENV, "workstation"),
      Target: "/var/lib/docker",
    });
    expect(names.dockerVolume(ENV, "workstation")).toBe(`archlab-${ENV}-workstation-docker`);
  });

  it("pulls through the environment's registry mirror", () => {
    expect(config.Env).toEqual(["DOCKER_TCP_PORT=2375", `REGISTRY_MIRROR=${MIRROR_ALIAS}:5000`]);
  });

  it("still has memory, swap and process limits", () => {
    expect(hc.Memory).toBe(host.memoryBytes);
    expect(hc.MemorySwap).toBe(host.memoryBytes);
    expect(hc.PidsLimit).toBe(host.pids);
  });

  it("never mounts the host's Docker socket", () => {
    const sources = mountSources(config);
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(s).not.toContain("docker.sock");
    expect(JSON.stringify(config)).not.toContain("docker.sock");
  });
});

describe("mirrorHost", () => {
  it("is reachable under the mirror alias and mounts its storage read-only", () => {
    const host = mirrorHost(["front"], "archlab-registry");
    const config = configFor(host);
    expect(config.NetworkingConfig?.EndpointsConfig?.[`archlab-${ENV}-front`]?.Aliases).toEqual([
      "archlab-mirror",
      MIRROR_ALIAS,
    ]);
    expect(config.HostConfig?.Mounts).toEqual([
      {
        Type: "volume",
        Source: "archlab-registry",
        Target: "/var/lib/docker-registry",
        ReadOnly: true,
      },
    ]);
    expect(config.HostConfig?.CapDrop).toEqual(["ALL"]);
    expect(host.terminal).toBe(false);
  });

  it("is started again by the engine when it dies, and has room for concurrent pulls", () => {
    const config = configFor(mirrorHost(["front"], "archlab-registry"));
    expect(config.HostConfig?.RestartPolicy?.Name).toBe("on-failure");
    expect(config.HostConfig?.Memory).toBeGreaterThanOrEqual(256 * 1024 ** 2);
    expect(config.Env).toContain("GOMEMLIMIT=160MiB");
  });

  it("leaves a learner's host to stay down when it dies (no restart policy)", () => {
    expect(configFor(hostSpec({ name: "ws" })).HostConfig?.RestartPolicy).toBeUndefined();
  });
});

describe("envLabels", () => {
  it("records who owns the environment and when it expires", () => {
    const labels = envLabels(ENV, { ...envSpec([]), owner: "pid:1@abc", ttlMs: 5_000 }, 10_000);
    expect(labels).toEqual({
      [LABEL.managed]: "1",
      [LABEL.env]: ENV,
      [LABEL.lab]: "demo",
      [LABEL.learner]: "ada",
      [LABEL.owner]: "pid:1@abc",
      [LABEL.createdAt]: "10000",
      [LABEL.expiresAt]: "15000",
    });
  });
});

describe("strayReason", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  const labels = (expiresAt: number | string | undefined, owner?: string) => ({
    [LABEL.env]: ENV,
    ...(expiresAt !== undefined ? { [LABEL.expiresAt]: String(expiresAt) } : {}),
    ...(owner !== undefined ? { [LABEL.owner]: owner } : {}),
  });

  it("removes an environment past its expiry, even with a live owner", () => {
    expect(strayReason(labels(now - 1, "cli"), now)).toBe("expired 2029-12-31T23:59:59.999Z");
  });

  it("removes an environment with no (or a broken) expiry as half-created", () => {
    expect(strayReason(labels(undefined, "cli"), now)).toBe("has no expiry (half-created)");
    expect(strayReason(labels("0", "cli"), now)).toBe("has no expiry (half-created)");
    expect(strayReason(labels("soon", "cli"), now)).toBe("has no expiry (half-created)");
  });

  it("removes an environment whose owning process is gone", () => {
    expect(strayReason(labels(now + 60_000, "pid:999999999@whatever"), now)).toBe(
      "its owner (pid:999999999@whatever) is gone",
    );
    expect(strayReason(labels(now + 60_000), now)).toBe("its owner (none) is gone");
  });

  it("keeps an unexpired environment of the CLI or of a live process", () => {
    expect(strayReason(labels(now + 60_000, "cli"), now)).toBeUndefined();
    expect(strayReason(labels(now + 60_000, processOwner()), now)).toBeUndefined();
  });
});
