import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hostCaBundle, ImageBuildError } from "./builder.ts";

describe("hostCaBundle", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "archlab-hostca-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  it("reads ARCHLAB_HOST_CA first, then SSL_CERT_FILE", async () => {
    const a = path.join(dir, "a.pem");
    const b = path.join(dir, "b.pem");
    writeFileSync(a, `${pem}# a\n`);
    writeFileSync(b, `${pem}# b\n`);
    expect(await hostCaBundle("web", { ARCHLAB_HOST_CA: a, SSL_CERT_FILE: b })).toContain("# a");
    expect(await hostCaBundle("web", { SSL_CERT_FILE: b })).toContain("# b");
  });

  it("names the image and the file when the bundle is missing or not PEM", async () => {
    const missing = path.join(dir, "none.pem");
    await expect(hostCaBundle("web", { ARCHLAB_HOST_CA: missing })).rejects.toThrow(
      /image "web" failed to build: .*none\.pem cannot be read/,
    );
    const junk = path.join(dir, "junk.pem");
    writeFileSync(junk, "not a certificate\n");
    await expect(hostCaBundle("web", { ARCHLAB_HOST_CA: junk })).rejects.toBeInstanceOf(
      ImageBuildError,
    );
    await expect(hostCaBundle("web", { ARCHLAB_HOST_CA: junk })).rejects.toThrow(/no PEM/);
  });
});
