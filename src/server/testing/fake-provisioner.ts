// An in-memory Provisioner for unit tests: environments are records, a shell is a stream that
// echoes what is typed (as a terminal with echo on does), and each command run in a host is
// answered by a function the test sets. No engine, no containers: the server's graph
// (src/server/app.ts) runs on it unchanged, so the HTTP API and the terminal gateway can be
// tested in milliseconds. The real engine's behaviour is proven by tests/integration.
import { PassThrough } from "node:stream";
import {
  EngineUnavailableError,
  UnknownEnvError,
  UnknownHostError,
  type Command,
  type Env,
  type EnvSpec,
  type ExecOptions,
  type ExecResult,
  type ProgressEvent,
  type Provisioner,
  type Shell,
  type ShellSize,
  type StrayEnv,
  type DiskSpace,
  type EnvDiskUsage,
} from "../provisioner/types.ts";

export interface ExecCall {
  envId: string;
  host: string;
  command: Command;
}

export type ExecAnswer = (call: ExecCall) => Partial<ExecResult>;

export interface FakeShell {
  envId: string;
  host: string;
  size: ShellSize;
  stream: PassThrough;
  closed: boolean;
  resizes: ShellSize[];
}

export class FakeProvisioner implements Provisioner {
  readonly envs = new Map<string, Env>();
  readonly destroyed: string[] = [];
  readonly execs: ExecCall[] = [];
  readonly shells: FakeShell[] = [];
  reaps = 0;
  /** How a command exits (default: exit 0, no output). */
  answer: ExecAnswer = () => ({});
  /** When set, the next create fails with this error (as a failed host start would). */
  failNextCreate: Error | undefined;
  /** Creates wait for this before they finish (a test holds an environment in "starting"). */
  gate: Promise<void> = Promise.resolve();
  /** Bytes each environment "wrote" (the disk guard reads them); absent: 0. */
  readonly written = new Map<string, number>();
  /**
   * While true the "engine" does not answer: every call throws EngineUnavailableError (as the
   * Docker provisioner does while dockerd restarts) and environments are kept as they are.
   */
  engineDown = false;
  /** The engine disk's space the disk guard sees. */
  space: DiskSpace = { freeBytes: 100 * 1024 ** 3, totalBytes: 200 * 1024 ** 3 };
  private n = 0;

  private answers(): void {
    if (this.engineDown) throw new EngineUnavailableError({ code: "ECONNREFUSED" });
  }

  async ping(): Promise<void> {
    this.answers();
  }

  async diskUsage(): Promise<EnvDiskUsage[]> {
    this.answers();
    return [...this.envs.keys()].map((envId) => ({ envId, bytes: this.written.get(envId) ?? 0 }));
  }

  async diskSpace(): Promise<DiskSpace> {
    this.answers();
    return this.space;
  }

  async create(spec: EnvSpec, onProgress: (e: ProgressEvent) => void = () => {}): Promise<Env> {
    this.answers();
    for (const h of spec.hosts) onProgress({ host: h.name, phase: "creating" });
    await this.gate;
    this.answers();
    const failure = this.failNextCreate;
    if (failure !== undefined) {
      this.failNextCreate = undefined;
      onProgress({ host: spec.hosts[0]?.name ?? "", phase: "failed", detail: failure.message });
      throw failure;
    }
    const now = Date.now();
    const env: Env = {
      id: `e${String(++this.n).padStart(10, "0")}`,
      labId: spec.labId,
      learner: spec.learner,
      owner: spec.owner,
      createdAt: now,
      expiresAt: now + spec.ttlMs,
      hosts: spec.hosts
        .map((h) => ({
          name: h.name,
          state: "running",
          terminal: h.terminal,
          ...(h.user ? { user: h.user } : {}),
          ports: [],
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
    this.envs.set(env.id, env);
    for (const h of spec.hosts) onProgress({ host: h.name, phase: "ready" });
    return env;
  }

  async get(envId: string): Promise<Env> {
    this.answers();
    const env = this.envs.get(envId);
    if (!env) throw new UnknownEnvError(envId, [...this.envs.keys()]);
    return env;
  }

  async list(): Promise<Env[]> {
    this.answers();
    return [...this.envs.values()];
  }

  async destroy(envId: string): Promise<void> {
    this.answers();
    if (this.envs.delete(envId)) this.destroyed.push(envId);
  }

  private async host(envId: string, host: string): Promise<void> {
    this.answers();
    const env = await this.get(envId);
    if (!env.hosts.some((h) => h.name === host))
      throw new UnknownHostError(
        envId,
        host,
        env.hosts.map((h) => h.name),
      );
  }

  async exec(
    envId: string,
    host: string,
    command: Command,
    _options: ExecOptions,
  ): Promise<ExecResult> {
    await this.host(envId, host);
    const call = { envId, host, command };
    this.execs.push(call);
    return {
      exitCode: 0,
      stdout: "",
      stderr: "",
      timedOut: false,
      durationMs: 1,
      ...this.answer(call),
    };
  }

  async openShell(envId: string, host: string, size: ShellSize): Promise<Shell> {
    await this.host(envId, host);
    const stream = new PassThrough();
    const fake: FakeShell = { envId, host, size, stream, closed: false, resizes: [] };
    this.shells.push(fake);
    let exit: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => (exit = resolve));
    return {
      stream,
      resize: async (s) => void fake.resizes.push(s),
      exited,
      close: () => {
        fake.closed = true;
        stream.end();
        exit(0);
      },
    };
  }

  async reap(): Promise<StrayEnv[]> {
    this.answers();
    this.reaps++;
    return [];
  }

  async hostAddress(envId: string, host: string): Promise<string> {
    await this.host(envId, host);
    return "127.0.0.1";
  }
}
