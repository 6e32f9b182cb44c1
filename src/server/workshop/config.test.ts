import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { labIds, PROJECT_ROOT } from "../../lab/catalog.ts";
import { loadWorkshopConfig, parseWorkshopConfig, WorkshopConfigError } from "./config.ts";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The error a call throws (fails the test when it throws none). */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}

describe("parseWorkshopConfig", () => {
  it("fills in the defaults", () => {
    expect(parseWorkshopConfig({ labs: ["docker-basics"] })).toEqual({
      name: "archlab workshop",
      labs: ["docker-basics"],
      seats: 30,
      sessionMs: 10_800_000,
      idleMs: 1_800_000,
      pool: { size: 0, memoryBytes: 8 * GiB },
      host: "0.0.0.0",
      port: 4321,
      tls: false,
    });
  });

  it("converts durations and sizes, keeps pool defaults for missing pool fields", () => {
    const config = parseWorkshopConfig({
      name: "  Friday class ",
      labs: ["docker-basics", "docker-networks", "docker-basics"],
      seats: 12,
      session: "90m",
      idle: "45s",
      pool: { size: 2 },
      host: "127.0.0.1",
      port: 0,
    });
    expect(config).toEqual({
      name: "Friday class",
      labs: ["docker-basics", "docker-networks"],
      seats: 12,
      sessionMs: 90 * 60_000,
      idleMs: 45_000,
      pool: { size: 2, memoryBytes: 8 * GiB },
      host: "127.0.0.1",
      port: 0,
      tls: false,
    });
    expect(parseWorkshopConfig({ labs: ["a"], pool: { memory: "512m" } }).pool).toEqual({
      size: 0,
      memoryBytes: 512 * MiB,
    });
    expect(parseWorkshopConfig({ labs: ["a"], session: "2d" }).sessionMs).toBe(2 * 86_400_000);
  });

  it.each([
    // Only the field is named here: see the report (no "what to write" for a missing labs).
    [
      "labs missing",
      {},
      /^workshop: labs: name the labs as a list, e\.g\. labs: \[docker-basics\]/,
    ],
    ["labs empty", { labs: [] }, /labs: name at least one lab, e\.g\. labs: \[docker-basics\]/],
    ["a bad lab id", { labs: ["Docker Basics"] }, /labs\.0: a lab id such as docker-basics/],
    ["session not a duration", { labs: ["a"], session: "soon" }, /session: write a duration/],
    ["idle in hours and minutes", { labs: ["a"], idle: "1h30m" }, /idle: write a duration/],
    ["seats 0", { labs: ["a"], seats: 0 }, /seats: .*1/],
    ["seats fractional", { labs: ["a"], seats: 2.5 }, /seats: seats is a whole number/],
    ["seats too many", { labs: ["a"], seats: 501 }, /seats: .*500/],
    ["pool size negative", { labs: ["a"], pool: { size: -1 } }, /pool\.size:/],
    ["pool memory 8GB", { labs: ["a"], pool: { memory: "8GB" } }, /pool\.memory: write a size/],
    ["port out of range", { labs: ["a"], port: 70000 }, /port: .*65535/],
    ["an unknown key", { labs: ["a"], sets: 10 }, /\(top level\): Unrecognized key: "sets"/],
    ["an unknown pool key", { labs: ["a"], pool: { sise: 1 } }, /pool: Unrecognized key: "sise"/],
  ])("refuses %s with a WorkshopConfigError naming the field", (_what, raw, message) => {
    const error = errorOf(() => parseWorkshopConfig(raw));
    expect(error).toBeInstanceOf(WorkshopConfigError);
    expect(error.message).toMatch(/^workshop: /);
    expect(error.message).toMatch(message);
  });

  it("names the source and lists every problem", () => {
    const error = errorOf(() => parseWorkshopConfig({ session: "soon", seats: 0 }, "room.yaml"));
    const lines = error.message.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.startsWith("room.yaml: "))).toBe(true);
    expect(lines.some((l) => l.startsWith("room.yaml: labs: "))).toBe(true);
    expect(lines.some((l) => l.startsWith("room.yaml: session: "))).toBe(true);
    expect(lines.some((l) => l.startsWith("room.yaml: seats: "))).toBe(true);
  });

  it("refuses something that is not a mapping at the top level", () => {
    const error = errorOf(() => parseWorkshopConfig(["docker-basics"]));
    expect(error).toBeInstanceOf(WorkshopConfigError);
    expect(error.message).toMatch(/\(top level\)/);
  });
});

describe("loadWorkshopConfig", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "archlab-workshop-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  }

  const yaml = `name: Friday class
labs: [docker-basics, docker-networks]
seats: 20
session: 2h
idle: 15m
pool:
  size: 1
  memory: 2g
port: 8080
`;

  it("reads a YAML file", () => {
    expect(loadWorkshopConfig(file("full.yaml", yaml), {})).toEqual({
      name: "Friday class",
      labs: ["docker-basics", "docker-networks"],
      seats: 20,
      sessionMs: 2 * 3_600_000,
      idleMs: 15 * 60_000,
      pool: { size: 1, memoryBytes: 2 * GiB },
      host: "0.0.0.0",
      port: 8080,
      tls: false,
    });
  });

  it("reads tls: true, and tls: {cert, key} relative to the file; the command line wins", () => {
    expect(loadWorkshopConfig(file("tls-on.yaml", "labs: [a]\ntls: true\n"), {}).tls).toBe(true);
    const withFiles = file(
      "tls-files.yaml",
      "labs: [a]\ntls: {cert: certs/room.crt, key: /etc/room.key}\n",
    );
    expect(loadWorkshopConfig(withFiles, {}).tls).toEqual({
      cert: path.join(dir, "certs/room.crt"),
      key: "/etc/room.key",
    });
    expect(loadWorkshopConfig(withFiles, { tls: true }).tls).toBe(true);
    expect(loadWorkshopConfig(undefined, { labs: ["a"], tls: undefined }).tls).toBe(false);
  });

  it("refuses a tls setting that is neither true nor cert and key", () => {
    for (const bad of ["tls: yes-please", "tls: {cert: a.crt}"]) {
      const p = file("tls-bad.yaml", `labs: [a]\n${bad}\n`);
      const error = errorOf(() => loadWorkshopConfig(p, {}));
      expect(error).toBeInstanceOf(WorkshopConfigError);
      expect(error.message, bad).toMatch(
        /tls: write tls: true .* or tls: \{cert: FILE, key: FILE\}/,
      );
    }
    const extra = file("tls-extra.yaml", "labs: [a]\ntls: {cert: a, key: b, ca: c}\n");
    expect(errorOf(() => loadWorkshopConfig(extra, {})).message).toMatch(
      /tls: Unrecognized key: "ca"/,
    );
  });

  it("lets CLI options win over the file", () => {
    const config = loadWorkshopConfig(file("override.yaml", yaml), {
      seats: 5,
      labs: ["docker-images"],
      host: "127.0.0.1",
    });
    expect(config.seats).toBe(5);
    expect(config.labs).toEqual(["docker-images"]);
    expect(config.host).toBe("127.0.0.1");
    expect(config.name).toBe("Friday class"); // not overridden
    expect(config.port).toBe(8080);
  });

  it("maps poolSize and poolMemory into pool, keeping the file's other pool field", () => {
    const p = file("pool.yaml", yaml);
    expect(loadWorkshopConfig(p, { poolSize: 4 }).pool).toEqual({
      size: 4,
      memoryBytes: 2 * GiB,
    });
    expect(loadWorkshopConfig(p, { poolMemory: "16g" }).pool).toEqual({
      size: 1,
      memoryBytes: 16 * GiB,
    });
    expect(loadWorkshopConfig(p, { poolSize: 0, poolMemory: "512m" }).pool).toEqual({
      size: 0,
      memoryBytes: 512 * MiB,
    });
  });

  it("ignores overrides that are undefined", () => {
    const config = loadWorkshopConfig(file("undef.yaml", yaml), {
      seats: undefined,
      port: undefined,
      poolSize: undefined,
      poolMemory: undefined,
      labs: undefined,
    });
    expect(config.seats).toBe(20);
    expect(config.port).toBe(8080);
    expect(config.labs).toEqual(["docker-basics", "docker-networks"]);
    expect(config.pool).toEqual({ size: 1, memoryBytes: 2 * GiB });
  });

  it("works from CLI options alone, pool options included", () => {
    const config = loadWorkshopConfig(undefined, { labs: ["docker-basics"], poolSize: 2 });
    expect(config.labs).toEqual(["docker-basics"]);
    expect(config.pool).toEqual({ size: 2, memoryBytes: 8 * GiB });
    const error = errorOf(() => loadWorkshopConfig(undefined, { seats: 0, labs: ["a"] }));
    expect(error).toBeInstanceOf(WorkshopConfigError);
    expect(error.message).toMatch(/^workshop options: seats: /);
  });

  it("names the file in validation errors, including an override's", () => {
    const p = file("bad.yaml", "labs: [docker-basics]\nsession: soon\n");
    const error = errorOf(() => loadWorkshopConfig(p, {}));
    expect(error).toBeInstanceOf(WorkshopConfigError);
    expect(error.message).toBe(`${p}: session: write a duration such as "90s", "45m" or "2h"`);
    const fixed = loadWorkshopConfig(p, { session: "1h" });
    expect(fixed.sessionMs).toBe(3_600_000);
  });

  it("treats an empty file as no settings", () => {
    const p = file("empty.yaml", "");
    expect(loadWorkshopConfig(p, { labs: ["docker-basics"] }).seats).toBe(30);
    const error = errorOf(() => loadWorkshopConfig(p, {}));
    expect(error).toBeInstanceOf(WorkshopConfigError);
    expect(error.message).toMatch(
      new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: labs: `),
    );
  });

  it("says which file it cannot read", () => {
    const missing = path.join(dir, "nope.yaml");
    const error = errorOf(() => loadWorkshopConfig(missing, {}));
    expect(error).toBeInstanceOf(WorkshopConfigError);
    expect(error.message).toContain(`cannot read ${missing}`);
    expect(error.message).toMatch(/ENOENT/);
  });

  it.each([
    ["a list", "- docker-basics\n- docker-networks\n"],
    ["a scalar", "docker-basics\n"],
  ])("refuses %s at the top level, naming the file", (_what, text) => {
    const p = file("not-a-mapping.yaml", text);
    const error = errorOf(() => loadWorkshopConfig(p, {}));
    expect(error).toBeInstanceOf(WorkshopConfigError);
    expect(error.message).toBe(`${p}: expected a mapping such as "labs: [docker-basics]"`);
  });
});

describe("the example workshop file", () => {
  it("is valid and names labs that exist", () => {
    const config = loadWorkshopConfig(path.join(PROJECT_ROOT, "docs/workshop.example.yaml"), {});
    expect(config.seats).toBe(24);
    expect(config.pool).toEqual({ size: 2, memoryBytes: 6 * 1024 ** 3 });
    for (const id of config.labs) expect(labIds()).toContain(id);
  });
});
