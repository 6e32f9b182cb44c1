import { describe, expect, it } from "vitest";
import { freeSubnets } from "./subnets.ts";

describe("freeSubnets", () => {
  it("offers 256 /24s of 10.213.0.0/16 in order", () => {
    const free = freeSubnets([]);
    expect(free).toHaveLength(256);
    expect(free[0]).toBe("10.213.0.0/24");
    expect(free[255]).toBe("10.213.255.0/24");
  });

  it("leaves out subnets in use, whatever else the engine has", () => {
    const free = freeSubnets(["10.213.0.0/24", "172.17.0.0/16", "10.213.2.0/24"]);
    expect(free.slice(0, 2)).toEqual(["10.213.1.0/24", "10.213.3.0/24"]);
    expect(free).toHaveLength(254);
  });
});
