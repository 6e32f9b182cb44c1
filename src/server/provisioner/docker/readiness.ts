// Waits until a started host is ready (TCP port, log line or command), failing at once when
// the container stops, with its last log lines.
import type Docker from "dockerode";
import type { HostSpec } from "../types.ts";
import { ProvisionError } from "../types.ts";
import { demuxBuffer, execInContainer } from "./exec.ts";

const POLL_MS = 250;

export async function lastLogLines(container: Docker.Container, count = 15): Promise<string[]> {
  try {
    const buf = (await container.logs({ stdout: true, stderr: true, tail: count })) as Buffer;
    return demuxBuffer(buf)
      .split("\n")
      .filter((l) => l.trim() !== "");
  } catch {
    return [];
  }
}

async function probe(
  docker: Docker,
  container: Docker.Container,
  host: HostSpec,
): Promise<boolean> {
  const ready = host.ready;
  if (!ready) return true;
  if ("log" in ready) {
    const buf = (await container.logs({ stdout: true, stderr: true })) as Buffer;
    return demuxBuffer(buf).includes(ready.log);
  }
  const script = "tcp" in ready ? `exec 3<>/dev/tcp/127.0.0.1/${ready.tcp}` : ready.command;
  const result = await execInContainer(
    docker,
    container,
    { argv: ["bash", "-c", script] },
    {
      timeoutMs: 5000,
    },
  );
  return result.exitCode === 0;
}

export async function waitUntilReady(
  docker: Docker,
  container: Docker.Container,
  host: HostSpec,
): Promise<void> {
  const timeoutMs = host.ready?.timeoutMs ?? 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await container.inspect();
    if (!info.State.Running) {
      throw new ProvisionError(
        host.name,
        `it stopped (exit code ${info.State.ExitCode}${info.State.OOMKilled ? ", out of memory" : ""})`,
        await lastLogLines(container),
      );
    }
    if (await probe(docker, container, host).catch(() => false)) return;
    if (Date.now() > deadline) {
      const what =
        host.ready &&
        ("tcp" in host.ready
          ? `port ${host.ready.tcp}`
          : "log" in host.ready
            ? `log line "${host.ready.log}"`
            : `command \`${host.ready.command}\``);
      throw new ProvisionError(
        host.name,
        `not ready after ${Math.round(timeoutMs / 1000)} s (waiting for ${what})`,
        await lastLogLines(container),
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
