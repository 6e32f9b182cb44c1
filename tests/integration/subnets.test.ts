// Environment networks on a real engine: more of them than Docker's default address pools hold
// (about 30), created concurrently, each on its own /24 of archlab's range.
import { afterAll, describe, expect, it } from "vitest";
import { createEnvNetwork } from "../../src/server/provisioner/docker/subnets.ts";
import { engine } from "./helpers.ts";

const COUNT = 40;
const PREFIX = `archlab-subnet-test-${process.pid}-`;

afterAll(async () => {
  const { docker } = engine();
  const mine = (await docker.listNetworks()).filter((n) => n.Name.startsWith(PREFIX));
  await Promise.all(
    mine.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
});

describe("environment networks", () => {
  it(`creates ${COUNT} at once, each on a distinct 10.213.x.0/24`, async () => {
    const { docker } = engine();
    const names = Array.from({ length: COUNT }, (_, i) => `${PREFIX}${i}`);
    for (let i = 0; i < names.length; i += 5) {
      await Promise.all(
        names.slice(i, i + 5).map((name) => createEnvNetwork(docker, { name, labels: {} })),
      );
    }
    const mine = (await docker.listNetworks()).filter((n) => n.Name.startsWith(PREFIX));
    const subnets = mine.map((n) => n.IPAM?.Config?.[0]?.Subnet ?? "");
    expect(mine).toHaveLength(COUNT);
    expect(new Set(subnets).size).toBe(COUNT);
    for (const s of subnets) expect(s).toMatch(/^10\.213\.\d+\.0\/24$/);
  }, 120_000);
});
