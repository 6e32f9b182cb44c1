import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LabSchema, type Lab } from "../../lab/schema.ts";
import { CLI_OWNER, ownerAlive, processOwner } from "./owner.ts";
import { DIND_TCP_PORT, envSpecFromLab, parseSize } from "./spec.ts";

describe("parseSize", () => {
  it("reads k, m and g as binary units", () => {
    expect(parseSize("64k")).toBe(64 * 1024);
    expect(parseSize("256m")).toBe(268_435_456);
    expect(parseSize("1g")).toBe(1_073_741_824);
    expect(parseSize("2G")).toBe(2 * 1024 ** 3);
  });
});

/** A lab through the schema, so every default is applied as in a real load. */
function labOf(hosts: Record<string, unknown>, extra: Record<string, unknown> = {}): Lab {
  return LabSchema.parse({
    format: 1,
    id: "demo",
    title: "Demo",
    hosts,
    workstation: Object.keys(hosts)[0],
    steps: [
      {
        id: "one",
        title: "One",
        check: "true",
        solve: "true",
        wrong: [{ name: "w", script: "false" }],
      },
    ],
    ...extra,
  });
}

describe("envSpecFromLab", () => {
  const options = { learner: "ada", owner: "cli", ttlMs: 3_600_000 };

  it("copies the lab's identity, networks and the caller's options", () => {
    const spec = envSpecFromLab(
      labOf({ ws: { image: "workstation" } }, { networks: ["front", "back"] }),
      options,
    );
    expect(spec).toMatchObject({ labId: "demo", networks: ["front", "back"], ...options });
    // A host without networks joins the lab's first network.
    expect(spec.hosts[0]?.networks).toEqual(["front"]);
  });

  it("turns an ordinary host's limits into bytes and nano-CPUs", () => {
    const spec = envSpecFromLab(
      labOf({
        db: {
          image: "redis",
          memory: "128m",
          cpus: 0.25,
          pids: 64,
          networks: ["lab"],
          ports: [{ container: 6379, label: "redis" }, { container: 8080 }],
          env: { A: "1" },
          command: ["redis-server", "--appendonly", "yes"],
          capAdd: ["NET_ADMIN"],
          terminal: false,
        },
      }),
      options,
    );
    expect(spec.hosts).toEqual([
      {
        name: "db",
        image: "redis",
        type: "container",
        command: ["redis-server", "--appendonly", "yes"],
        env: { A: "1" },
        networks: ["lab"],
        ports: [6379, 8080],
        memoryBytes: 128 * 1024 ** 2,
        nanoCpus: 250_000_000,
        pids: 64,
        capAdd: ["NET_ADMIN"],
        terminal: false,
      },
    ]);
  });

  it("applies the host defaults: 256m, half a CPU, no readiness", () => {
    const host = envSpecFromLab(labOf({ ws: { image: "workstation" } }), options).hosts[0];
    expect(host?.memoryBytes).toBe(256 * 1024 ** 2);
    expect(host?.nanoCpus).toBe(500_000_000);
    expect(host?.pids).toBe(256);
    expect(host?.env).toEqual({});
    expect(host).not.toHaveProperty("ready");
    expect(host).not.toHaveProperty("command");
  });

  it("rounds nano-CPUs to an integer", () => {
    const host = envSpecFromLab(labOf({ ws: { image: "workstation", cpus: 0.1 + 0.2 } }), options)
      .hosts[0];
    expect(Number.isInteger(host?.nanoCpus)).toBe(true);
    expect(host?.nanoCpus).toBe(300_000_000);
  });

  it("converts each kind of readiness, with a 60 s default timeout", () => {
    const spec = envSpecFromLab(
      labOf({
        r1: { image: "redis", ready: { tcp: 6379 } },
        r2: { image: "redis", ready: { log: "Ready to accept", timeoutSeconds: 5 } },
        r3: { image: "redis", ready: { command: "redis-cli ping", timeoutSeconds: 2 } },
      }),
      options,
    );
    expect(spec.hosts.map((h) => h.ready)).toEqual([
      { tcp: 6379, timeoutMs: 60_000 },
      { log: "Ready to accept", timeoutMs: 5_000 },
      { command: "redis-cli ping", timeoutMs: 2_000 },
    ]);
  });

  it("gives a dind host DOCKER_TCP_PORT and waits for `docker info` by default", () => {
    const spec = envSpecFromLab(
      labOf({ ws: { image: "dind", type: "dind", memory: "1g", cpus: 1, env: { FOO: "bar" } } }),
      options,
    );
    const host = spec.hosts[0];
    expect(DIND_TCP_PORT).toBe(2375);
    expect(host?.type).toBe("dind");
    expect(host?.env).toEqual({ DOCKER_TCP_PORT: "2375", FOO: "bar" });
    expect(host?.ready).toEqual({ command: "docker info >/dev/null 2>&1", timeoutMs: 90_000 });
    expect(host?.memoryBytes).toBe(1024 ** 3);
    expect(host?.nanoCpus).toBe(1_000_000_000);
  });

  it("keeps a dind host's own readiness when it declares one", () => {
    const host = envSpecFromLab(
      labOf({ ws: { image: "dind", type: "dind", ready: { tcp: 2375, timeoutSeconds: 30 } } }),
      options,
    ).hosts[0];
    expect(host?.ready).toEqual({ tcp: 2375, timeoutMs: 30_000 });
  });

  it("passes the terminal's user through, and leaves it out when the lab names none", () => {
    const spec = envSpecFromLab(
      labOf({ ws: { image: "dind", type: "dind", user: "learner" }, db: { image: "redis" } }),
      options,
    );
    expect(spec.hosts.find((h) => h.name === "ws")?.user).toBe("learner");
    expect(spec.hosts.find((h) => h.name === "db")).not.toHaveProperty("user");
  });

  it("refuses a user name that is not one", () => {
    expect(() => labOf({ ws: { image: "dind", user: "root; rm -rf /" } })).toThrow(/user name/);
  });

  it("does not give ordinary hosts DOCKER_TCP_PORT", () => {
    const host = envSpecFromLab(labOf({ ws: { image: "workstation" } }), options).hosts[0];
    expect(host?.env).not.toHaveProperty("DOCKER_TCP_PORT");
  });
});

describe("owner", () => {
  it("names this process pid:<pid>@<boot id>", () => {
    expect(processOwner()).toMatch(new RegExp(`^pid:${process.pid}@[0-9a-z-]{1,8}$`));
    expect(processOwner(1234)).toMatch(/^pid:1234@/);
    expect(processOwner(1234).split("@")[1]).toBe(processOwner().split("@")[1]);
  });

  it("keeps the CLI owner and this process alive", () => {
    expect(CLI_OWNER).toBe("cli");
    expect(ownerAlive(CLI_OWNER)).toBe(true);
    expect(ownerAlive(processOwner())).toBe(true);
    // A live process of another user (EPERM) still counts as alive.
    expect(ownerAlive(processOwner(1))).toBe(true);
  });

  it("declares a process that has exited gone", () => {
    const child = spawnSync("true");
    expect(child.pid).toBeGreaterThan(0);
    expect(ownerAlive(processOwner(child.pid))).toBe(false);
    expect(ownerAlive(processOwner(999_999_999))).toBe(false);
  });

  it("declares a process of another boot gone, even if its pid is alive now", () => {
    expect(ownerAlive(`pid:${process.pid}@not-this-boot`)).toBe(false);
    expect(ownerAlive("pid:999999999@anything")).toBe(false);
  });

  it("declares unknown, empty and malformed owners gone", () => {
    expect(ownerAlive("")).toBe(false);
    expect(ownerAlive("server:abc")).toBe(false);
    expect(ownerAlive("pid:@x")).toBe(false);
    expect(ownerAlive("CLI")).toBe(false);
  });
});
