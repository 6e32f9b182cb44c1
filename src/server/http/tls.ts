// TLS for a workshop: a certificate and key given as files (checked: readable, PEM, the key
// belongs to the certificate, valid today), or a self-signed certificate made here for the
// room's addresses and kept beside the database, so its fingerprint stays the same across
// restarts and learners accept it once.
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import path from "node:path";
import { isIP } from "node:net";

/** What the server needs, and what the announcement prints. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated hex (as browsers show it). */
  fingerprint256: string;
  selfSigned: boolean;
  /** The certificate file (given, or where the self-signed one was saved). */
  certFile: string;
  validTo: Date;
}

/** What was asked for: no TLS, a self-signed certificate, or the given files. */
export type TlsSetting = false | true | { cert: string; key: string };

export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TlsConfigError";
  }
}

/**
 * The command line's TLS options as a setting (undefined when none was given, so a config file's
 * `tls` applies). `--tls` with `--tls-cert`/`--tls-key`, or only one of the two files, is an error.
 */
export function tlsFromOptions(opts: {
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
}): TlsSetting | undefined {
  const files = opts.tlsCert !== undefined || opts.tlsKey !== undefined;
  if (opts.tls && files)
    throw new TlsConfigError(
      "use either --tls (a self-signed certificate made here) or --tls-cert with --tls-key (your own), not both",
    );
  if (files) {
    if (!opts.tlsCert) throw new TlsConfigError("--tls-key needs --tls-cert FILE as well");
    if (!opts.tlsKey) throw new TlsConfigError("--tls-cert needs --tls-key FILE as well");
    return { cert: opts.tlsCert, key: opts.tlsKey };
  }
  return opts.tls ? true : undefined;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === "ENOENT"
        ? "no such file"
        : e.code === "EACCES"
          ? "permission denied"
          : e.code === "EISDIR"
            ? "it is a directory"
            : e.message;
    throw new TlsConfigError(`cannot read the TLS ${what} ${file}: ${why}`);
  }
}

/** Checks a certificate and key pair; returns what the server needs. */
export function checkTlsPair(
  cert: string,
  key: string,
  names: { certFile: string; keyFile: string },
  now = new Date(),
): { x509: X509Certificate; key: KeyObject } {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new TlsConfigError(
      `${names.certFile} is not a PEM certificate (it should start with -----BEGIN CERTIFICATE-----)`,
    );
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (err) {
    const msg = (err as Error).message;
    throw new TlsConfigError(
      /passphrase/i.test(msg)
        ? `${names.keyFile} is encrypted with a passphrase: give an unencrypted key (openssl pkey -in ${names.keyFile} -out plain.key)`
        : `${names.keyFile} is not a PEM private key (it should start with -----BEGIN PRIVATE KEY----- or similar)`,
    );
  }
  if (!x509.checkPrivateKey(keyObject))
    throw new TlsConfigError(
      `the key ${names.keyFile} does not belong to the certificate ${names.certFile} (their public keys differ)`,
    );
  const validTo = new Date(x509.validTo);
  const validFrom = new Date(x509.validFrom);
  if (validTo <= now)
    throw new TlsConfigError(
      `the certificate ${names.certFile} expired on ${validTo.toISOString()}`,
    );
  if (validFrom > now)
    throw new TlsConfigError(
      `the certificate ${names.certFile} is valid only from ${validFrom.toISOString()}`,
    );
  return { x509, key: keyObject };
}

/** Reads and checks the given certificate and key files. */
export function loadTlsFiles(certFile: string, keyFile: string): TlsMaterial {
  const cert = readPem(certFile, "certificate");
  const key = readPem(keyFile, "key");
  const { x509 } = checkTlsPair(cert, key, { certFile, keyFile });
  return {
    cert,
    key,
    fingerprint256: x509.fingerprint256,
    selfSigned: false,
    certFile,
    validTo: new Date(x509.validTo),
  };
}

/** The names a room's certificate must cover: localhost, this host's name and its addresses. */
export function roomNames(bindHost: string): string[] {
  const names = new Set<string>(["localhost", "127.0.0.1", "::1", hostname()]);
  if (bindHost !== "0.0.0.0" && bindHost !== "::") names.add(bindHost);
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (!a.internal) names.add(a.address);
  return [...names].filter(Boolean);
}

function covers(x509: X509Certificate, names: string[]): boolean {
  return names.every((n) => (isIP(n) ? x509.checkIP(n) : x509.checkHost(n)) !== undefined);
}

const SELF_SIGNED_DAYS = 30;

/**
 * A self-signed certificate for `names`, kept in `dir` (workshop.crt, workshop.key): reused while
 * it covers the same names and is valid for more than a day, else made anew.
 */
export async function selfSignedTls(names: string[], dir: string): Promise<TlsMaterial> {
  const certFile = path.join(dir, "workshop.crt");
  const keyFile = path.join(dir, "workshop.key");
  if (existsSync(certFile) && existsSync(keyFile)) {
    try {
      const cert = readFileSync(certFile, "utf8");
      const key = readFileSync(keyFile, "utf8");
      const tomorrow = new Date(Date.now() + 24 * 3600_000);
      const { x509 } = checkTlsPair(cert, key, { certFile, keyFile }, tomorrow);
      if (covers(x509, names))
        return {
          cert,
          key,
          fingerprint256: x509.fingerprint256,
          selfSigned: true,
          certFile,
          validTo: new Date(x509.validTo),
        };
    } catch {
      // Unusable or expiring: make a new one below.
    }
  }
  const { generate } = await import("selfsigned");
  const notBefore = new Date(Date.now() - 5 * 60_000);
  const notAfter = new Date(notBefore.getTime() + SELF_SIGNED_DAYS * 24 * 3600_000);
  const pems = await generate([{ name: "commonName", value: "archlab workshop" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
      },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  const x509 = new X509Certificate(pems.cert);
  return {
    cert: pems.cert,
    key: pems.private,
    fingerprint256: x509.fingerprint256,
    selfSigned: true,
    certFile,
    validTo: new Date(x509.validTo),
  };
}

/** The certificate the setting asks for; undefined for plain HTTP. Throws TlsConfigError. */
export async function resolveTls(
  setting: TlsSetting | undefined,
  room: { bindHost: string; dir: string },
): Promise<TlsMaterial | undefined> {
  if (!setting) return undefined;
  if (setting === true) return selfSignedTls(roomNames(room.bindHost), room.dir);
  return loadTlsFiles(setting.cert, setting.key);
}
