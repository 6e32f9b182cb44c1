import { describe, expect, it } from "vitest";
import { parseDiskSize } from "./serve.ts";

describe("--disk-per-env", () => {
  it("reads sizes in m, g and t", () => {
    expect(parseDiskSize("500m")).toBe(500 * 1024 ** 2);
    expect(parseDiskSize("6g")).toBe(6 * 1024 ** 3);
    expect(parseDiskSize("1.5T")).toBe(1.5 * 1024 ** 4);
  });

  it("refuses what is not a size, or too small to run a lab, saying what to write", () => {
    for (const bad of ["6", "6gb", "-1g", "", "50m", "lots"]) {
      expect(() => parseDiskSize(bad)).toThrow(
        /--disk-per-env must be a size of at least 100m, such as 500m or 6g, not "/,
      );
    }
  });
});
