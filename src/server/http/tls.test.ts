// TLS options for a workshop: which combinations are refused, and every way a certificate or key
// file can be unusable, each with its own message; the self-signed certificate covers the room's
// names and is reused across restarts.
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";
import { afterAll, describe, expect, it } from "vitest";
import { loadTlsFiles, resolveTls, selfSignedTls, TlsConfigError, tlsFromOptions } from "./tls.ts";

const dir = mkdtempSync(path.join(tmpdir(), "archlab-tls-"));
const temps: string[] = [dir];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function pair(name: string, opts: { notAfterDate?: Date; notBeforeDate?: Date } = {}) {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    ...opts,
  });
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  writeFileSync(cert, pems.cert);
  writeFileSync(key, pems.private);
  return { cert, key };
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(TlsConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a TlsConfigError");
}

describe("tlsFromOptions", () => {
  it("maps the options to a setting", () => {
    expect(tlsFromOptions({})).toBeUndefined();
    expect(tlsFromOptions({ tls: true })).toBe(true);
    expect(tlsFromOptions({ tlsCert: "c.pem", tlsKey: "k.pem" })).toEqual({
      cert: "c.pem",
      key: "k.pem",
    });
  });

  it("refuses --tls with certificate files, and one file without the other", () => {
    expect(messageOf(() => tlsFromOptions({ tls: true, tlsCert: "c", tlsKey: "k" }))).toMatch(
      /either --tls .* or --tls-cert with --tls-key .*, not both/,
    );
    expect(messageOf(() => tlsFromOptions({ tls: true, tlsKey: "k" }))).toMatch(/not both/);
    expect(messageOf(() => tlsFromOptions({ tlsCert: "c" }))).toBe(
      "--tls-cert needs --tls-key FILE as well",
    );
    expect(messageOf(() => tlsFromOptions({ tlsKey: "k" }))).toBe(
      "--tls-key needs --tls-cert FILE as well",
    );
  });
});

describe("loadTlsFiles", () => {
  it("accepts a matching pair and gives its fingerprint", async () => {
    const { cert, key } = await pair("good");
    const tls = loadTlsFiles(cert, key);
    expect(tls.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(tls.selfSigned).toBe(false);
    expect(tls.certFile).toBe(cert);
  });

  it("names a missing or unreadable file", async () => {
    const { cert, key } = await pair("files");
    expect(messageOf(() => loadTlsFiles(path.join(dir, "none.crt"), key))).toBe(
      `cannot read the TLS certificate ${path.join(dir, "none.crt")}: no such file`,
    );
    expect(messageOf(() => loadTlsFiles(cert, path.join(dir, "none.key")))).toBe(
      `cannot read the TLS key ${path.join(dir, "none.key")}: no such file`,
    );
    expect(messageOf(() => loadTlsFiles(dir, key))).toMatch(/it is a directory/);
  });

  it("refuses files that are not PEM certificates or keys", async () => {
    const { cert, key } = await pair("pem");
    const junk = path.join(dir, "junk.txt");
    writeFileSync(junk, "hello\n");
    expect(messageOf(() => loadTlsFiles(junk, key))).toMatch(/junk\.txt is not a PEM certificate/);
    expect(messageOf(() => loadTlsFiles(cert, junk))).toMatch(/junk\.txt is not a PEM private key/);
    // Swapped: the key given as the certificate.
    expect(messageOf(() => loadTlsFiles(key, cert))).toMatch(/is not a PEM certificate/);
  });

  it("refuses a key that does not belong to the certificate", async () => {
    const a = await pair("a");
    const b = await pair("b");
    expect(messageOf(() => loadTlsFiles(a.cert, b.key))).toBe(
      `the key ${b.key} does not belong to the certificate ${a.cert} (their public keys differ)`,
    );
  });

  it("refuses an expired certificate and one not valid yet", async () => {
    const old = await pair("old", {
      notBeforeDate: new Date("2020-01-01"),
      notAfterDate: new Date("2021-01-01"),
    });
    expect(messageOf(() => loadTlsFiles(old.cert, old.key))).toMatch(/expired on 2021-01-01/);
    const future = await pair("future", {
      notBeforeDate: new Date(Date.now() + 10 * 24 * 3600_000),
      notAfterDate: new Date(Date.now() + 40 * 24 * 3600_000),
    });
    expect(messageOf(() => loadTlsFiles(future.cert, future.key))).toMatch(/is valid only from/);
  });
});

describe("selfSignedTls", () => {
  it("covers the room's names and is reused while it still covers them", async () => {
    const keep = mkdtempSync(path.join(tmpdir(), "archlab-tls-keep-"));
    temps.push(keep);
    const names = ["localhost", "127.0.0.1", "::1", "room-server", "10.1.2.3"];
    const first = await selfSignedTls(names, keep);
    const x509 = new X509Certificate(first.cert);
    expect(x509.checkHost("room-server")).toBe("room-server");
    expect(x509.checkIP("10.1.2.3")).toBe("10.1.2.3");
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(first.selfSigned).toBe(true);
    expect(first.certFile).toBe(path.join(keep, "workshop.crt"));
    const again = await selfSignedTls(names, keep);
    expect(again.fingerprint256).toBe(first.fingerprint256);
    // A new address of the room: a new certificate that covers it.
    const moved = await selfSignedTls([...names, "10.9.9.9"], keep);
    expect(moved.fingerprint256).not.toBe(first.fingerprint256);
    expect(new X509Certificate(moved.cert).checkIP("10.9.9.9")).toBe("10.9.9.9");
  });

  it("resolveTls: nothing for plain HTTP, the files or a self-signed certificate", async () => {
    const keep = mkdtempSync(path.join(tmpdir(), "archlab-tls-resolve-"));
    temps.push(keep);
    expect(await resolveTls(false, { bindHost: "0.0.0.0", dir: keep })).toBeUndefined();
    expect(await resolveTls(undefined, { bindHost: "0.0.0.0", dir: keep })).toBeUndefined();
    const made = await resolveTls(true, { bindHost: "127.0.0.1", dir: keep });
    expect(made?.selfSigned).toBe(true);
    const { cert, key } = await pair("given");
    expect((await resolveTls({ cert, key }, { bindHost: "0.0.0.0", dir: keep }))?.certFile).toBe(
      cert,
    );
  });
});
