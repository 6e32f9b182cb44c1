import { describe, expect, it } from "vitest";
import { LabSchema } from "./schema.ts";
import { layoutTopology } from "./topology.ts";

const lab = LabSchema.parse({
  format: 1,
  id: "topo",
  title: "Topology",
  networks: ["front", "back"],
  hosts: {
    lb: { image: "nginx", networks: ["front", "back"], ports: [{ container: 80 }] },
    "api-1": { image: "shop", networks: ["back"] },
    "api-2": { image: "shop", networks: ["back"] },
    ws: { image: "dind", type: "dind", networks: ["front"] },
    grader: { image: "workstation", terminal: false, networks: ["front"] },
  },
  workstation: "ws",
  grader: "grader",
  steps: [
    {
      id: "one",
      title: "One",
      check: "true",
      solve: "true",
      wrong: [{ name: "w", script: "true" }],
    },
  ],
});

describe("layoutTopology", () => {
  const topo = layoutTopology(lab);

  it("draws one band per network and every host inside its first network's band", () => {
    expect(topo.networks.map((n) => n.name)).toEqual(["front", "back"]);
    for (const host of topo.hosts) {
      const band = topo.networks.find(
        (n) => host.y >= n.y && host.y + host.height <= n.y + n.height,
      );
      expect(band, host.name).toBeDefined();
      expect(host.x + host.width).toBeLessThanOrEqual(topo.width);
    }
    expect(topo.hosts.find((h) => h.name === "api-1")?.y).toBeGreaterThan(topo.networks[1]!.y);
  });

  it("marks roles, hidden hosts, published ports and extra networks", () => {
    const byName = Object.fromEntries(topo.hosts.map((h) => [h.name, h]));
    expect(byName.ws?.role).toBe("dind");
    expect(byName.grader).toMatchObject({ role: "grader", hidden: true });
    expect(byName.lb).toMatchObject({ ports: [80], alsoOn: ["back"], role: "service" });
  });

  it("never overlaps two hosts", () => {
    const hs = topo.hosts;
    for (let i = 0; i < hs.length; i++)
      for (let j = i + 1; j < hs.length; j++) {
        const [a, b] = [hs[i]!, hs[j]!];
        const apart =
          a.x + a.width <= b.x ||
          b.x + b.width <= a.x ||
          a.y + a.height <= b.y ||
          b.y + b.height <= a.y;
        expect(apart, `${a.name} / ${b.name}`).toBe(true);
      }
  });
});
