// The real HTTP server and terminal gateway on port 0 over a fake provisioner, for unit tests of
// the lab API: a fresh database in a temporary folder, no site, the labs given.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoadedLab } from "../../lab/loader.ts";
import { startServer, type RunningServer, type ServerOptions } from "../http/server.ts";
import type { FakeProvisioner } from "./fake-provisioner.ts";

export async function startUnitServer(
  provisioner: FakeProvisioner,
  labs: LoadedLab[],
  extra: Partial<ServerOptions> = {},
): Promise<RunningServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "archlab-unit-server-"));
  return startServer({
    host: "127.0.0.1",
    port: 0,
    siteDir: path.join(dir, "no-site"),
    dbFile: path.join(dir, "unit.db"),
    labs,
    provisioner,
    ...extra,
  });
}
