// Running commands inside a container through the Docker API: a script fed on stdin with a time
// limit and captured output, or an interactive TTY shell.
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type { Command, ExecOptions, ExecResult, Shell, ShellSize } from "../types.ts";

/**
 * Runs a script that arrives on stdin: bash reads it whole first, then runs it with stdin from
 * /dev/null, so a command inside that reads stdin (ssh, mysql, docker run -i) cannot swallow the
 * rest of the script. Nothing a learner can edit inside the host is executed as the script.
 */
export const SCRIPT_RUNNER = ["bash", "-c", 'script="$(cat)"; exec </dev/null; eval "$script"'];

/** Exit status of coreutils `timeout` when the limit was hit. */
const TIMEOUT_EXIT = 124;

function collector(max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new PassThrough();
  sink.on("data", (chunk: Buffer) => {
    if (size >= max) return;
    chunks.push(chunk.subarray(0, max - size));
    size += chunk.length;
  });
  return { sink, text: () => Buffer.concat(chunks).toString("utf8") };
}

/** Splits a non-TTY log/attach buffer (8-byte frame headers) into its text. */
export function demuxBuffer(buf: Buffer): string {
  let out = "";
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString("utf8");
    i += 8 + size;
  }
  return i === 0 ? buf.toString("utf8") : out;
}

export async function execInContainer(
  docker: Docker,
  container: Docker.Container,
  command: Command,
  options: ExecOptions,
): Promise<ExecResult> {
  const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  // `timeout` inside the container ends the whole command at the limit, so a hung check leaves
  // nothing running behind it.
  const argv = "script" in command ? SCRIPT_RUNNER : command.argv;
  const exec = await container.exec({
    Cmd: ["timeout", "--kill-after=2", String(seconds), ...argv],
    AttachStdin: "script" in command,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: ["LANG=C.UTF-8"],
  });
  const started = Date.now();
  const stream = await exec.start({ hijack: true, stdin: "script" in command });
  const max = options.maxOutputBytes ?? 1024 * 1024;
  const stdout = collector(max);
  const stderr = collector(max);
  docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
  if ("script" in command)
    stream.end(command.script.endsWith("\n") ? command.script : `${command.script}\n`);

  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<"done">((resolve) => {
    stream.on("end", () => resolve("done"));
    stream.on("close", () => resolve("done"));
    stream.on("error", () => resolve("done"));
  });
  // A safety net in case the engine never closes the stream.
  const overdue = new Promise<"overdue">((resolve) => {
    timer = setTimeout(() => resolve("overdue"), options.timeoutMs + 5000);
  });
  const outcome = await Promise.race([finished, overdue]);
  clearTimeout(timer);
  if (outcome === "overdue") stream.destroy();
  const info = await exec.inspect();
  const exitCode = info.ExitCode ?? -1;
  return {
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    timedOut: outcome === "overdue" || exitCode === TIMEOUT_EXIT || exitCode === 137,
    durationMs: Date.now() - started,
  };
}

/** The exec options of the learner's terminal: a login shell, as `user` in their home. */
export function shellExecOptions(size: ShellSize, user?: string): Docker.ExecCreateOptions {
  return {
    // As a named user, start in their home (the engine sets HOME from the image's passwd).
    Cmd: user ? ["bash", "-c", 'cd "$HOME" 2>/dev/null; exec bash -l'] : ["bash", "-l"],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ["TERM=xterm-256color", "LANG=C.UTF-8", `COLUMNS=${size.cols}`, `LINES=${size.rows}`],
    ...(user ? { User: user } : { WorkingDir: "/root" }),
  };
}

export async function openShellInContainer(
  container: Docker.Container,
  size: ShellSize,
  user?: string,
): Promise<Shell> {
  const exec = await container.exec(shellExecOptions(size, user));
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const resize = async ({ cols, rows }: ShellSize) => {
    await exec.resize({ h: rows, w: cols });
  };
  // Size before the first prompt: the engine (API 1.41) cannot take it at start.
  await resize(size).catch(() => undefined);
  const exited = new Promise<number>((resolve) => {
    const done = () =>
      exec
        .inspect()
        .then((i) => resolve(i.ExitCode ?? 0))
        .catch(() => resolve(-1));
    stream.on("end", done);
    stream.on("close", done);
  });
  return { stream, resize, exited, close: () => stream.destroy() };
}
