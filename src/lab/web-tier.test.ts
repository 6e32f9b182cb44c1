// The web-tier lab's own facts, checked without a Docker engine: the digests its
// swap-wsgi-server check compares the application with are those of the shipped sources, and
// the process helpers of labs/lib/check.sh name real processes correctly (run in bash here,
// against processes this test starts).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./catalog.ts";

const APP = path.join(PROJECT_ROOT, "infra/images/django-shop/app");
const LIB = path.join(PROJECT_ROOT, "labs/lib/check.sh");

/** Runs `body` in bash after the check-script library, as the grader does. */
function lib(body: string): { code: number | null; out: string } {
  const r = spawnSync("bash", ["-s"], {
    input: `ARCHLAB_LANG=en\n${readFileSync(LIB, "utf8")}\n${body}`,
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout.trim() };
}

describe("swap-wsgi-server's digests of the shipped application", () => {
  const check = readFileSync(
    path.join(PROJECT_ROOT, "labs/web-tier/checks/swap-wsgi-server.sh"),
    "utf8",
  );
  const block = /<<'SUMS'\n([\s\S]*?)\nSUMS\n/.exec(check)?.[1] ?? "";
  const sums = block
    .split("\n")
    .map((line) => /^([0-9a-f]{64}) {2}(\S+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);

  it("lists the WSGI entry point and the catalog's code", () => {
    const files = sums.map((m) => m[2]);
    expect(files).toContain("shop/wsgi.py");
    expect(files).toContain("catalog/views.py");
    expect(files).not.toContain("shop/settings.py"); // the last step edits it
  });

  it.each(sums.map((m) => [m[2] as string, m[1] as string]))(
    "%s has the digest the check expects",
    (file, digest) => {
      const actual = createHash("sha256")
        .update(readFileSync(path.join(APP, file)))
        .digest("hex");
      expect(actual, `update the SUMS block of swap-wsgi-server.sh for ${file}`).toBe(digest);
    },
  );
});

describe("labs/lib/check.sh: processes and sockets", () => {
  let server: Server;
  let port = 0;
  const children: ChildProcess[] = [];
  // Processes whose command lines look like each kind of server: a sleeping Python whose first
  // word is argv0 (exec -a) and whose last words are args ("ARGV0 -c <sleep> ARGS...").
  const start = (argv0: string, args: string) => {
    const sleep = "import time; time.sleep(60)";
    const child = spawn("bash", ["-c", `exec -a ${argv0} /usr/bin/python3 -c '${sleep}' ${args}`], {
      stdio: "ignore",
    });
    children.push(child);
    return child.pid as number;
  };

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server.close();
    for (const c of children) c.kill();
  });

  it("listener_pids and listen_addresses read who listens where from the kernel", () => {
    const pids = lib(`listener_pids ${port}`).out.split("\n");
    expect(pids).toContain(String(process.pid));
    expect(lib(`listen_addresses ${process.pid}`).out.split("\n")).toContain(`127.0.0.1:${port}`);
    expect(lib("listener_pids 1").out).toBe("");
  }, 30_000);

  it("server_kind tells gunicorn, uWSGI and Django's development server apart", async () => {
    const gunicorn = start("/usr/bin/python3", "/usr/bin/gunicorn --bind 127.0.0.1:8000");
    const uwsgi = start("uwsgi", "--plugin python3");
    const runserver = start("python3", "manage.py runserver 127.0.0.1:8000");
    const other = start("sleepy", "gunicorn.log");
    await new Promise((r) => setTimeout(r, 200));
    const kinds = lib(
      [gunicorn, uwsgi, runserver, other, "not-a-pid", 999999999]
        .map((p) => `server_kind ${p}`)
        .join("\n"),
    ).out;
    expect(kinds.split("\n")).toEqual([
      "gunicorn",
      "uwsgi",
      "runserver",
      "other",
      "other",
      "other",
    ]);
    expect(lib(`pids_of_kind uwsgi`).out.split("\n")).toContain(String(uwsgi));
    expect(lib(`proc_ppid ${uwsgi}`).out).toBe(String(process.pid));
    expect(lib(`children_of ${process.pid}`).out.split("\n")).toContain(String(uwsgi));
  }, 30_000);
});
