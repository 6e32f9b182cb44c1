// The Docker create options for one lab host: names, labels, limits and the security model
// (DESIGN §5). Pure, so the policy can be read and unit-tested in one place.
import type Docker from "dockerode";
import { LABEL } from "../../docker/labels.ts";
import { hasInnerEngine, type EnvSpec, type HostSpec } from "../types.ts";

/**
 * Capabilities an ordinary host keeps: enough for package managers, services that drop
 * privileges and binding low ports. Notably absent: NET_RAW (no ARP/IP spoofing on the shared
 * bridge; ping works through the ping_group_range sysctl), MKNOD, SYS_ADMIN, SYS_PTRACE.
 */
export const DEFAULT_CAPS = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "NET_BIND_SERVICE",
];

/** Alias of the per-environment registry mirror on the environment's networks. */
export const MIRROR_ALIAS = "registry.archlab.internal";
export const MIRROR_HOST = "archlab-mirror";

export const names = {
  container: (envId: string, host: string) => `archlab-${envId}-${host}`,
  network: (envId: string, net: string) => `archlab-${envId}-${net}`,
  dockerVolume: (envId: string, host: string) => `archlab-${envId}-${host}-docker`,
};

export function envLabels(envId: string, spec: EnvSpec, now: number): Record<string, string> {
  return {
    [LABEL.managed]: "1",
    [LABEL.env]: envId,
    [LABEL.lab]: spec.labId,
    [LABEL.learner]: spec.learner,
    [LABEL.owner]: spec.owner,
    [LABEL.createdAt]: String(now),
    [LABEL.expiresAt]: String(now + spec.ttlMs),
  };
}

/** The device slirp4netns needs for the rootless engine's network; the provisioner opens it. */
export const TUN_DEVICE = "/dev/net/tun";

/**
 * Capabilities of a dind host. Nothing in it runs as the machine's root: every process is the
 * learner, and these only reach newuidmap/newgidmap through their file capabilities (to map the
 * learner's subordinate ids into the engine's user namespace; see infra/images/dind).
 */
export const DIND_CAPS = ["SETUID", "SETGID", "SETFCAP"];

/**
 * The seccomp filter of a dind host: everything the rootless engine needs (user, mount and
 * network namespaces, mount, pivot_root), and none of what has no place in a lab or has been a
 * kernel escape route for unprivileged users (modules, kexec, BPF, perf, keyrings, io_uring,
 * userfaultfd, clocks, swap, reboot). The inner engine filters its own containers as usual.
 */
export const DIND_SECCOMP = {
  defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [
    {
      names: [
        "acct",
        "adjtimex",
        "bpf",
        "clock_adjtime",
        "clock_settime",
        "delete_module",
        "finit_module",
        "init_module",
        "ioperm",
        "iopl",
        "kexec_file_load",
        "kexec_load",
        "lookup_dcookie",
        "nfsservctl",
        "open_by_handle_at",
        "perf_event_open",
        "quotactl",
        "reboot",
        "settimeofday",
        "swapoff",
        "swapon",
        "syslog",
        "uselib",
        "userfaultfd",
      ],
      action: "SCMP_ACT_ERRNO",
      errnoRet: 1,
    },
    {
      // "Not implemented": runc and others carry on without a session keyring or io_uring.
      names: [
        "add_key",
        "io_uring_enter",
        "io_uring_register",
        "io_uring_setup",
        "keyctl",
        "request_key",
      ],
      action: "SCMP_ACT_ERRNO",
      errnoRet: 38,
    },
  ],
};

/**
 * A Docker-in-Docker host whose engine is rootless (DESIGN §8, docs/security.md): the image runs
 * everything as the learner; dockerd lives in a user namespace where root is the learner. So the
 * host needs no capability beyond DIND_CAPS and no device beyond TUN_DEVICE. /proc and /sys stay
 * unmasked because a user namespace may only mount a new proc (for the inner containers) where
 * the kernel sees one fully; their files stay the machine root's, which nothing here is.
 */
function dindSecurity(
  host: HostSpec,
  envId: string,
  volumes: NonNullable<Docker.HostConfig["Mounts"]>,
): Partial<Docker.HostConfig> {
  return {
    CapDrop: ["ALL"],
    CapAdd: DIND_CAPS,
    SecurityOpt: [`seccomp=${JSON.stringify(DIND_SECCOMP)}`, "apparmor=unconfined"],
    MaskedPaths: [],
    ReadonlyPaths: [],
    Devices: [{ PathOnHost: TUN_DEVICE, PathInContainer: TUN_DEVICE, CgroupPermissions: "rwm" }],
    Sysctls: {
      "net.ipv4.ping_group_range": "0 2147483647",
      // The engine's port forwarder runs as the learner: let it publish ports below 1024 too,
      // in this host's own network namespace.
      "net.ipv4.ip_unprivileged_port_start": "0",
    },
    Mounts: [
      { Type: "volume", Source: names.dockerVolume(envId, host.name), Target: "/var/lib/docker" },
      ...volumes,
    ],
  };
}

function securityFor(host: HostSpec, envId: string): Partial<Docker.HostConfig> {
  const volumes = (host.volumes ?? []).map((v) => ({
    Type: "volume" as const,
    Source: v.name,
    Target: v.target,
    ReadOnly: v.readOnly,
  }));
  if (host.type === "dind") return dindSecurity(host, envId, volumes);
  if (host.type === "kube-node") {
    // Docker-in-Docker without --privileged (which this kernel refuses): every capability but
    // SYS_RESOURCE, no seccomp/AppArmor filter, all devices, and its own /var/lib/docker.
    return {
      CapAdd: ["ALL"],
      CapDrop: ["SYS_RESOURCE"],
      SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
      // The API form of `--security-opt systempaths=unconfined`: /proc and /sys unmasked.
      MaskedPaths: [],
      ReadonlyPaths: [],
      DeviceCgroupRules: ["a *:* rwm"],
      // Its own cgroup namespace, so the hierarchies the entrypoint mounts are rooted where
      // /proc/self/cgroup says the host is ("/"); with the host's namespace, inner runc fails.
      ...({ CgroupnsMode: "private" } as Partial<Docker.HostConfig>),
      Mounts: [
        { Type: "volume", Source: names.dockerVolume(envId, host.name), Target: "/var/lib/docker" },
        ...volumes,
      ],
    };
  }
  return {
    CapDrop: ["ALL"],
    CapAdd: [...new Set([...DEFAULT_CAPS, ...host.capAdd])],
    SecurityOpt: ["no-new-privileges"],
    // ping without NET_RAW: unprivileged ICMP sockets for every group, in this host only.
    Sysctls: { "net.ipv4.ping_group_range": "0 2147483647" },
    Mounts: volumes,
  };
}

export function containerConfig(
  envId: string,
  spec: EnvSpec,
  host: HostSpec,
  imageRef: string,
  labels: Record<string, string>,
): Docker.ContainerCreateOptions {
  const firstNetwork = names.network(envId, host.networks[0] as string);
  const env = Object.entries(host.env).map(([k, v]) => `${k}=${v}`);
  if (hasInnerEngine(host)) env.push(`REGISTRY_MIRROR=${MIRROR_ALIAS}:5000`);
  return {
    name: names.container(envId, host.name),
    Hostname: host.name,
    Image: imageRef,
    ...(host.command ? { Cmd: host.command } : {}),
    Env: env,
    Labels: {
      ...labels,
      [LABEL.host]: host.name,
      ...(host.user ? { [LABEL.user]: host.user } : {}),
    },
    ExposedPorts: Object.fromEntries(host.ports.map((p) => [`${p}/tcp`, {}])),
    HostConfig: {
      Init: true,
      Memory: host.memoryBytes,
      MemorySwap: host.memoryBytes,
      NanoCpus: host.nanoCpus,
      PidsLimit: host.pids,
      // Published ports only ever on the server's loopback; the server proxies them.
      PortBindings: Object.fromEntries(
        host.ports.map((p) => [`${p}/tcp`, [{ HostIp: "127.0.0.1", HostPort: "" }]]),
      ),
      NetworkMode: firstNetwork,
      LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } },
      ...(host.restartOnFailure
        ? { RestartPolicy: { Name: "on-failure", MaximumRetryCount: 10 } }
        : {}),
      ...securityFor(host, envId),
    },
    NetworkingConfig: {
      EndpointsConfig: { [firstNetwork]: { Aliases: [host.name, ...(host.aliases ?? [])] } },
    },
  };
}

/** The read-only registry mirror that serves `docker pull` inside the environment's dind hosts. */
export function mirrorHost(networks: string[], registryVolume: string): HostSpec {
  return {
    aliases: [MIRROR_ALIAS],
    volumes: [{ name: registryVolume, target: "/var/lib/docker-registry", readOnly: true }],
    name: MIRROR_HOST,
    image: "registry",
    type: "container",
    // Go's heap grows with concurrent blob downloads: at 64 MiB two nodes pulling their images at
    // once got the mirror OOM-killed, and every later pull (the DNS image) went to Docker Hub.
    // GOMEMLIMIT makes the collector work harder well before the cgroup's limit.
    env: { GOMEMLIMIT: "160MiB" },
    networks,
    ports: [],
    memoryBytes: 256 * 1024 ** 2,
    nanoCpus: 250_000_000,
    pids: 64,
    capAdd: [],
    ready: { tcp: 5000, timeoutMs: 30_000 },
    terminal: false,
    restartOnFailure: true,
  };
}
