// The Debian root filesystem under every image: debian:bookworm-slim when a registry serves it,
// else `debootstrap --variant=minbase` from this machine's mirror and `docker import`.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { LABEL } from "../labels.ts";
import { debianMirror } from "./mirror.ts";
import { imageRef, ROOTFS } from "./recipe.ts";

export type Log = (line: string) => void;

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

async function tryPull(docker: Docker, ref: string, timeoutMs: number): Promise<boolean> {
  const pull = new Promise<boolean>((resolve) => {
    docker.pull(ref, (err: Error | null, stream?: NodeJS.ReadableStream) => {
      if (err || !stream) return resolve(false);
      docker.modem.followProgress(stream, (doneErr) => resolve(!doneErr));
    });
  });
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs));
  return Promise.race([pull, timeout]);
}

/** Runs a command, sending its output lines to `log`; rejects with the last lines on failure. */
function run(cmd: string, args: string[], log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        log(line);
        tail.push(line);
        if (tail.length > 15) tail.shift();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (err) =>
      reject(
        (err as NodeJS.ErrnoException).code === "ENOENT"
          ? new Error(`${cmd} is not installed: run \`apt-get install -y ${cmd}\` (as root)`)
          : err,
      ),
    );
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} exited with ${code}:\n  ${tail.join("\n  ")}`)),
    );
  });
}

async function importDirectory(docker: Docker, dir: string, ref: string, hash: string) {
  const tar = spawn("tar", ["-C", dir, "--numeric-owner", "-cf", "-", "."], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [repo, tag] = ref.split(":") as [string, string];
  const stream = await docker.importImage(
    tar.stdout as unknown as string,
    {
      repo,
      tag,
      changes: [`LABEL ${LABEL.managed}=1 ${LABEL.imageHash}=${hash}`, 'CMD ["bash"]'],
    } as object,
  );
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())),
  );
}

/** Makes archlab/rootfs:<hash> unless it exists. Returns how it was obtained. */
export async function ensureRootfs(
  docker: Docker,
  hash: string,
  log: Log,
): Promise<"cached" | "pulled" | "debootstrap"> {
  const ref = imageRef(ROOTFS, hash);
  if (await imageExists(docker, ref)) return "cached";
  log("trying to pull debian:bookworm-slim");
  if (await tryPull(docker, "debian:bookworm-slim", 30_000)) {
    await docker
      .getImage("debian:bookworm-slim")
      .tag({ repo: ref.split(":")[0] as string, tag: hash });
    return "pulled";
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      "no registry serves debian:bookworm-slim, and debootstrap needs root: " +
        "run `archlab images build` as root once (or `docker load` a debian:bookworm-slim image)",
    );
  }
  const mirror = debianMirror("bookworm");
  log(`no registry reachable: debootstrap bookworm from ${mirror}`);
  const work = await mkdtemp(path.join(tmpdir(), "archlab-rootfs-"));
  try {
    const root = path.join(work, "root");
    await run("debootstrap", ["--variant=minbase", "bookworm", root, mirror], log);
    // debootstrap keeps the downloaded packages: ~100 MB no image needs.
    await run(
      "sh",
      ["-c", `rm -rf "${root}"/var/cache/apt/archives/*.deb "${root}"/var/lib/apt/lists/*`],
      log,
    );
    log("importing the root filesystem into Docker");
    await importDirectory(docker, root, ref, hash);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return "debootstrap";
}
