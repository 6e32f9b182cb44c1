import { describe, expect, it } from "vitest";
import { parseLab } from "../../lab/loader.ts";
import type { Env, EnvSpec, ProgressEvent, Provisioner } from "../provisioner/types.ts";
import { EngineUnreachableError } from "../docker/client.ts";
import { ImageMissingError } from "../docker/images/builder.ts";
import { ProvisionError } from "../provisioner/types.ts";
import { envErrorOf, LabSessions, RoomFullError } from "./lab-sessions.ts";

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

/** A provisioner whose creations finish when the test says so. */
function fakeProvisioner() {
  const pending: {
    spec: EnvSpec;
    resolve: (e: Env) => void;
    reject: (e: Error) => void;
    progress?: (e: ProgressEvent) => void;
  }[] = [];
  const destroyed: string[] = [];
  let n = 0;
  const provisioner = {
    create: (spec: EnvSpec, progress?: (e: ProgressEvent) => void) =>
      new Promise<Env>((resolve, reject) => pending.push({ spec, resolve, reject, progress })),
    destroy: async (id: string) => void destroyed.push(id),
  } as unknown as Provisioner;
  const finish = (i: number) => {
    const env = { id: `e${String(++n).padStart(10, "0")}` } as Env;
    pending[i]?.resolve(env);
    return env.id;
  };
  return { provisioner, pending, destroyed, finish };
}

const options = { owner: "pid:1@x", ttlMs: 60_000, maxEnvironments: 2 };

describe("LabSessions", () => {
  it("starts in the background with per-host progress, then is ready and owned", async () => {
    const fake = fakeProvisioner();
    const sessions = new LabSessions(fake.provisioner, options);
    const status = sessions.start("alice", lab);
    expect(status.state).toBe("starting");
    expect(status.tabs).toEqual(["ws"]);
    fake.pending[0]?.progress?.({ host: "ws", phase: "waiting" });
    expect(sessions.status("alice", lab).hosts.find((h) => h.name === "ws")?.phase).toBe("waiting");
    expect(sessions.start("alice", lab)).toBe(status); // idempotent while starting
    const envId = fake.finish(0);
    await sessions.settled("alice", "demo");
    expect(sessions.status("alice", lab)).toMatchObject({ state: "ready", envId });
    expect(sessions.owner(envId)).toEqual({ learnerId: "alice", labId: "demo" });
    expect(fake.pending[0]?.spec.learner).toBe("alice");
  });

  it("answers 'room full' beyond the limit, with what to do", () => {
    const fake = fakeProvisioner();
    const sessions = new LabSessions(fake.provisioner, options);
    sessions.start("a", lab);
    sessions.start("b", lab);
    const third = sessions.start("c", lab);
    expect(third.state).toBe("failed");
    expect(third.error?.message).toMatch(/room is full/);
    expect(third.error?.hint).toMatch(/slots are taken/);
    expect(fake.pending).toHaveLength(2);
  });

  it("reports a failed start with a hint", async () => {
    const fake = fakeProvisioner();
    const sessions = new LabSessions(fake.provisioner, options);
    sessions.start("a", lab);
    fake.pending[0]?.reject(new ImageMissingError("redis"));
    await sessions.settled("a", "demo");
    const status = sessions.status("a", lab);
    expect(status.state).toBe("failed");
    expect(status.error).toMatchObject({
      code: "image-missing",
      message:
        'image "redis" is not built (or its sources changed): run `archlab images build redis`',
    });
    expect(status.error?.hint).toContain("archlab images build");
  });

  it("throws away an environment that finishes starting after a reset", async () => {
    const fake = fakeProvisioner();
    const closed: string[] = [];
    const sessions = new LabSessions(fake.provisioner, options, (id) => closed.push(id));
    sessions.start("a", lab);
    await sessions.reset("a", lab);
    const stale = fake.finish(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.destroyed).toContain(stale);
    expect(sessions.owner(stale)).toBeUndefined();
    const fresh = fake.finish(1);
    await sessions.settled("a", "demo");
    expect(sessions.status("a", lab).envId).toBe(fresh);
    await sessions.destroy("a", "demo");
    expect(closed).toEqual([fresh]);
    expect(sessions.status("a", lab).state).toBe("none");
  });
});

describe("envErrorOf", () => {
  it("says what to do for the usual failures, by the code the error carries", () => {
    const engine = envErrorOf(new EngineUnreachableError("unix:///var/run/docker.sock", "ENOENT"));
    expect(engine).toMatchObject({
      code: "engine-unreachable",
      hint: expect.stringMatching(/npm start/),
    });
    expect(engine.message).toContain("cannot reach the Docker engine");
    expect(envErrorOf(new ImageMissingError("workstation"))).toMatchObject({
      code: "image-missing",
      hint: expect.stringMatching(/images build/),
    });
    expect(
      envErrorOf(
        new ProvisionError(
          "archlab-mirror",
          "lab images were never published",
          [],
          "image-missing",
        ),
      ),
    ).toMatchObject({ code: "image-missing" });
    expect(envErrorOf(new RoomFullError(3))).toMatchObject({
      code: "room-full",
      hint: expect.stringMatching(/slots are taken/),
    });
    // Not told apart by its text any more: only a code counts; a system error's code is not ours.
    expect(envErrorOf(new Error("image x is not built"))).toMatchObject({
      code: "start-failed",
      hint: expect.stringMatching(/Reset environment/),
    });
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(envErrorOf(refused).code).toBe("start-failed");
  });
});
