import { describe, expect, it } from "vitest";
import { parseLab } from "../../lab/loader.ts";
import type { Env, Provisioner } from "../provisioner/types.ts";
import { adoptEnvironments, unadoptableReason } from "./adoption.ts";
import { LabSessions } from "./lab-sessions.ts";

const lab = parseLab(
  `format: 1
id: demo
title: Demo
hosts: { ws: { image: workstation }, grader: { image: workstation, terminal: false } }
workstation: ws
grader: grader
steps:
  - { id: one, title: One, check: "true", solve: "true", wrong: [{ name: w, script: "true" }] }
`,
  "/tmp/demo/lab.yaml",
);
const labs = new Map([["demo", lab]]);
const NOW = 1_900_000_000_000;
const OWNER = "server:abcdef123456";

function env(id: string, extra: Partial<Env> = {}): Env {
  return {
    id,
    labId: "demo",
    learner: "alice",
    owner: OWNER,
    createdAt: NOW - 60_000,
    expiresAt: NOW + 3600_000,
    hosts: ["grader", "ws"].map((name) => ({
      name,
      state: "running",
      terminal: name === "ws",
      ports: [],
    })),
    ...extra,
  };
}

function fake(envs: Env[]) {
  const destroyed: string[] = [];
  const provisioner = {
    list: async () => envs,
    destroy: async (id: string) => void destroyed.push(id),
  } as unknown as Provisioner;
  return { provisioner, destroyed };
}

const sessionsOf = (p: Provisioner) =>
  new LabSessions(p, { owner: OWNER, ttlMs: 60_000, maxEnvironments: 5 });

describe("adoptEnvironments", () => {
  it("gives a learner their running environment back as ready, owned by them", async () => {
    const f = fake([env("e0000000001")]);
    const sessions = sessionsOf(f.provisioner);
    const result = await adoptEnvironments({
      provisioner: f.provisioner,
      owner: OWNER,
      labs,
      sessions,
      knownLearner: () => true,
      now: NOW,
    });
    expect(result.adopted).toEqual([{ envId: "e0000000001", learner: "alice", labId: "demo" }]);
    expect(f.destroyed).toEqual([]);
    expect(sessions.status("alice", lab)).toMatchObject({
      state: "ready",
      envId: "e0000000001",
      tabs: ["ws"],
    });
    expect(sessions.owner("e0000000001")).toEqual({ learnerId: "alice", labId: "demo" });
    // Starting again is a no-op on a ready environment, as before the restart.
    expect(sessions.start("alice", lab).envId).toBe("e0000000001");
  });

  it("leaves other owners' environments alone (the CLI's, another server's)", async () => {
    const f = fake([
      env("e0000000002", { owner: "cli" }),
      env("e0000000003", { owner: "server:zzzzzzzzzzzz" }),
    ]);
    const result = await adoptEnvironments({
      provisioner: f.provisioner,
      owner: OWNER,
      labs,
      sessions: sessionsOf(f.provisioner),
      knownLearner: () => true,
      now: NOW,
    });
    expect(result).toEqual({ adopted: [], removed: [] });
    expect(f.destroyed).toEqual([]);
  });

  it("removes what it cannot give back, saying why, and keeps a learner's newest", async () => {
    const f = fake([
      env("e0000000010", { createdAt: NOW - 10_000 }),
      env("e0000000011", { createdAt: NOW - 20_000 }),
      env("e0000000012", { learner: "mallory" }),
      env("e0000000013", { learner: "bob", expiresAt: NOW - 1 }),
      env("e0000000014", { learner: "carol", labId: "gone" }),
      env("e0000000015", { learner: "dave", hosts: [] }),
      env("e0000000016", { learner: "pool" }),
    ]);
    const result = await adoptEnvironments({
      provisioner: f.provisioner,
      owner: OWNER,
      labs,
      sessions: sessionsOf(f.provisioner),
      knownLearner: (id) => id !== "mallory",
      now: NOW,
    });
    expect(result.adopted.map((a) => a.envId)).toEqual(["e0000000010"]);
    expect(Object.fromEntries(result.removed.map((r) => [r.envId, r.reason]))).toEqual({
      e0000000011: "its learner has a newer environment of that lab",
      e0000000012: "its learner mallory is unknown to this database",
      e0000000013: "expired",
      e0000000014: 'its lab "gone" is not served any more',
      e0000000015: "its hosts (none) are not the lab's (grader, ws)",
      e0000000016: "the warm pool does not need it",
    });
    expect(f.destroyed.sort()).toEqual(result.removed.map((r) => r.envId).sort());
  });

  it("hands the warm pool's environments back to the pool", async () => {
    const f = fake([env("e0000000020", { learner: "pool" })]);
    const pooled: string[] = [];
    const result = await adoptEnvironments({
      provisioner: f.provisioner,
      owner: OWNER,
      labs,
      sessions: sessionsOf(f.provisioner),
      pool: { adopt: (e) => (pooled.push(e.id), true) },
      knownLearner: () => false,
      now: NOW,
    });
    expect(pooled).toEqual(["e0000000020"]);
    expect(result.adopted).toHaveLength(1);
  });
});

describe("unadoptableReason", () => {
  it("names stopped hosts", () => {
    const e = env("e0000000030");
    (e.hosts[1] as { state: string }).state = "exited";
    expect(unadoptableReason(e, lab, NOW)).toBe("not running: ws");
    expect(unadoptableReason(env("e0000000031"), lab, NOW)).toBeUndefined();
  });
});
