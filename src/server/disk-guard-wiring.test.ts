// The disk guard as the server runs it (app.ts), on the in-memory FakeProvisioner: a learner whose
// environment writes past the cap loses it, and the lab API tells them why and what to do; a
// learner under the cap keeps theirs. The guard's measuring on the real engine:
// tests/integration/neighbours.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLabById } from "../lab/catalog.ts";
import type { EnvStatus } from "../protocol/lab-api.ts";
import type { RunningServer } from "./http/server.ts";
import { FakeProvisioner } from "./testing/fake-provisioner.ts";
import { startUnitServer } from "./testing/unit-server.ts";

const LAB = "docker-basics";
const MiB = 1024 ** 2;
const fake = new FakeProvisioner();
let server: RunningServer;

async function call(method: string, url: string, cookie?: string) {
  const res = await fetch(server.url + url, { method, headers: cookie ? { cookie } : {} });
  const setCookie = res.headers.get("set-cookie");
  return {
    status: res.status,
    body: (await res.json()) as EnvStatus,
    cookie: setCookie?.split(";")[0],
  };
}

async function learnerWithReadyLab(): Promise<{ cookie: string; envId: string }> {
  const cookie = (await call("POST", "/api/session")).cookie as string;
  await call("POST", `/api/labs/${LAB}/env`, cookie);
  for (let i = 0; i < 200; i++) {
    const status = (await call("GET", `/api/labs/${LAB}/env`, cookie)).body;
    if (status.state === "ready") return { cookie, envId: status.envId as string };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the environment never became ready");
}

async function statusOnceSettled(cookie: string, until: (s: EnvStatus) => boolean) {
  let status = (await call("GET", `/api/labs/${LAB}/env`, cookie)).body;
  for (let i = 0; i < 200 && !until(status); i++) {
    await new Promise((r) => setTimeout(r, 10));
    status = (await call("GET", `/api/labs/${LAB}/env`, cookie)).body;
  }
  return status;
}

beforeAll(async () => {
  server = await startUnitServer(fake, [loadLabById(LAB)], {
    disk: { capBytes: 100 * MiB, floorBytes: 0, everyMs: 20 },
  });
});
afterAll(async () => server?.close());

describe("the server's disk guard", () => {
  it("takes away an environment over its cap and tells its learner why; a neighbour keeps theirs", async () => {
    const filler = await learnerWithReadyLab();
    const neighbour = await learnerWithReadyLab();
    fake.written.set(neighbour.envId, 90 * MiB);
    fake.written.set(filler.envId, 150 * MiB);

    const status = await statusOnceSettled(filler.cookie, (s) => s.state === "failed");
    expect(status.state).toBe("failed");
    expect(status.envId).toBeUndefined();
    expect(status.error?.code).toBe("disk-full");
    expect(status.error?.message).toMatch(/wrote 150 MiB to disk, over the 100 MiB/);
    expect(status.error?.hint).toMatch(/Reset environment/);
    expect(fake.destroyed).toContain(filler.envId);

    const kept = (await call("GET", `/api/labs/${LAB}/env`, neighbour.cookie)).body;
    expect(kept).toMatchObject({ state: "ready", envId: neighbour.envId });
    expect(fake.destroyed).not.toContain(neighbour.envId);
  });

  it("lets the learner start the lab again afterwards", async () => {
    const filler = await learnerWithReadyLab();
    fake.written.set(filler.envId, 500 * MiB);
    await statusOnceSettled(filler.cookie, (s) => s.state === "failed");
    const again = await call("POST", `/api/labs/${LAB}/env/reset`, filler.cookie);
    expect(again.status).toBeLessThan(300);
    const status = await statusOnceSettled(filler.cookie, (s) => s.state === "ready");
    expect(status.state).toBe("ready");
    expect(status.envId).not.toBe(filler.envId);
  });
});
