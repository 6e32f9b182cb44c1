// A second dockerd for tests that must stop, restart or empty an engine without touching the
// machine's own (/var/run/docker.sock): its own data root, exec root and socket under /tmp, in
// a network namespace of its own (a dockerd started with --bridge=none deletes any interface
// named docker0 it can see, which would take the machine's engine's bridge). The namespace is
// held by a process of its own, so the engine can be stopped and started again in the same one,
// with the bridges and containers it had (what `--live-restore` needs). `stop()` kills what it
// started (dockerd, the containerd and shims it left under live-restore, the namespace holder),
// unmounts what is left under its directory and removes it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import Docker from "dockerode";

export interface FreshEngineOptions {
  /** Extra dockerd flags (e.g. --live-restore). */
  args?: string[];
}

export class FreshEngine {
  readonly dir = mkdtempSync("/tmp/alx-");
  readonly socket = path.join(this.dir, "d.sock");
  readonly host = `unix://${this.socket}`;
  readonly docker = new Docker({ socketPath: this.socket });
  private proc?: ChildProcess;
  private netns?: ChildProcess;
  private starts = 0;

  constructor(private readonly options: FreshEngineOptions = {}) {}

  /** Whether the test's dockerd process runs now. */
  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts dockerd (again, on the same data root and namespace) and waits until it answers. */
  async start(): Promise<void> {
    this.netns ??= spawn("unshare", ["--net", "sleep", "infinity"], { stdio: "ignore" });
    const holder = this.netns.pid;
    if (!holder) throw new Error("could not make a network namespace for the test's dockerd");
    // nsenter execs dockerd itself: this.proc is the daemon, SIGTERM reaches it.
    const log = openSync(path.join(this.dir, "log"), "a");
    this.starts++;
    this.proc = spawn(
      "nsenter",
      [
        `--net=/proc/${holder}/ns/net`,
        "dockerd",
        `--data-root=${path.join(this.dir, "data")}`,
        `--exec-root=${path.join(this.dir, "x")}`,
        `--pidfile=${path.join(this.dir, "pid")}`,
        `--host=${this.host}`,
        "--bridge=none",
        "--iptables=false",
        "--ip-masq=false",
        ...(this.options.args ?? []),
      ],
      { stdio: ["ignore", log, log] },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await this.docker.ping();
        return;
      } catch {
        if (Date.now() > deadline || this.proc.exitCode !== null) {
          throw new Error(`the test's dockerd did not start (start ${this.starts}): ${this.log()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  log(): string {
    return existsSync(path.join(this.dir, "log"))
      ? readFileSync(path.join(this.dir, "log"), "utf8").slice(-2000)
      : "";
  }

  /** Stops dockerd with `signal` and waits until it has exited (SIGKILL after 30 s). */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGKILL");
      await exited;
    }
  }

  /** Processes whose command line names this engine's directory (containerd, shims). */
  private leftProcesses(): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
        if (cmd.includes(this.dir)) pids.push(Number(entry));
      } catch {
        // gone already
      }
    }
    return pids;
  }

  /** Everything this engine started goes: containers, daemons, namespace, mounts, directory. */
  async stop(): Promise<void> {
    if (this.running) {
      const containers = await this.docker.listContainers({ all: true }).catch(() => []);
      await Promise.all(
        containers.map((c) =>
          this.docker
            .getContainer(c.Id)
            .remove({ force: true, v: true })
            .catch(() => undefined),
        ),
      );
    }
    await this.kill("SIGTERM");
    // Under --live-restore dockerd leaves containerd (and shims) running: end them by pid.
    for (let round = 0; round < 2; round++) {
      const pids = this.leftProcesses();
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, round === 0 ? "SIGTERM" : "SIGKILL");
        } catch {
          // gone already
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    this.netns?.kill("SIGKILL");
    const mounts = readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[1] ?? "")
      .filter((m) => m.startsWith(this.dir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync("umount", ["-l", m]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
