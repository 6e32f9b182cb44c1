// The provisioner interface: what sessions, the grader and the CLI need from "something that
// runs lab environments". The Docker implementation lives in docker-provisioner.ts; a Swarm or
// Kubernetes one can be added behind the same interface.
import type { Duplex } from "node:stream";

export type Readiness =
  | { tcp: number; timeoutMs: number }
  | { log: string; timeoutMs: number }
  | { command: string; timeoutMs: number };

export interface HostSpec {
  name: string;
  /** An image name of infra/images (resolved to a content tag by the provisioner). */
  image: string;
  type: "container" | "dind" | "kube-node";
  command?: string[];
  env: Record<string, string>;
  networks: string[];
  ports: number[];
  memoryBytes: number;
  nanoCpus: number;
  pids: number;
  capAdd: string[];
  ready?: Readiness;
  terminal: boolean;
  /** The user the learner's terminal opens as (default: the image's user). */
  user?: string;
  /** Extra DNS names on the environment's networks (internal hosts only). */
  aliases?: string[];
  /** Named volumes to mount (internal hosts only, e.g. the registry mirror's storage). */
  volumes?: { name: string; target: string; readOnly: boolean }[];
  /**
   * The engine starts the host again when its process dies (internal services only, e.g. the
   * registry mirror: without it a killed mirror leaves every later pull to fail over to Docker Hub).
   */
  restartOnFailure?: boolean;
}

/** A Kubernetes cluster among the hosts, brought up after they are ready (cluster-bootstrap.ts). */
export interface ClusterSpec {
  controlPlane: string;
  nodes: string[];
  /** Hosts that get ~/.kube/config, as the restricted learner or as cluster admin. */
  kubeconfigs: { host: string; as: "learner" | "admin" }[];
  readyTimeoutMs: number;
}

/** Hosts that run a Docker engine of their own (and pull through the registry mirror). */
export function hasInnerEngine(host: Pick<HostSpec, "type">): boolean {
  return host.type === "dind" || host.type === "kube-node";
}

export interface EnvSpec {
  labId: string;
  learner: string;
  /** Who keeps the environment alive: "cli", or an ephemeral owner (see owner.ts). */
  owner: string;
  ttlMs: number;
  networks: string[];
  hosts: HostSpec[];
  cluster?: ClusterSpec;
}

export interface EnvHost {
  name: string;
  state: string;
  terminal: boolean;
  /** The user the learner's terminal opens as, when the lab names one. */
  user?: string;
  /** Published ports: container port -> port on the server's loopback. */
  ports: { container: number; hostPort: number }[];
}

export interface Env {
  id: string;
  labId: string;
  learner: string;
  owner: string;
  createdAt: number;
  expiresAt: number;
  hosts: EnvHost[];
}

export type ProgressPhase = "creating" | "starting" | "waiting" | "ready" | "failed";
export interface ProgressEvent {
  host: string;
  phase: ProgressPhase;
  detail?: string;
}

export type Command = { argv: string[] } | { script: string };

export interface ExecOptions {
  timeoutMs: number;
  /** Cap on captured output per stream (bytes). */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface ShellSize {
  cols: number;
  rows: number;
}

export interface Shell {
  /** Raw terminal bytes both ways. */
  stream: Duplex;
  resize(size: ShellSize): Promise<void>;
  /** Resolves with the shell's exit code once it ends. */
  exited: Promise<number>;
  close(): void;
}

/** An environment the reaper removed, and why. */
export interface StrayEnv {
  envId: string;
  reason: string;
}

export interface Provisioner {
  create(spec: EnvSpec, onProgress?: (e: ProgressEvent) => void): Promise<Env>;
  get(envId: string): Promise<Env>;
  list(): Promise<Env[]>;
  destroy(envId: string): Promise<void>;
  exec(envId: string, host: string, command: Command, options: ExecOptions): Promise<ExecResult>;
  openShell(envId: string, host: string, size: ShellSize): Promise<Shell>;
  /**
   * Removes what earlier runs left behind (expired environments, those whose owner is gone,
   * half-created ones); best effort, returns what it removed and why.
   */
  reap(): Promise<StrayEnv[]>;
  /** Where the server reaches a host of an environment directly (port preview's proxy). */
  hostAddress(envId: string, host: string): Promise<string>;
  /** Bytes each environment of `owner` has written to the machine's disk (the disk guard). */
  diskUsage?(owner: string): Promise<EnvDiskUsage[]>;
  /** Free and total bytes of the disk environments write to; undefined when not known. */
  diskSpace?(): Promise<DiskSpace | undefined>;
  /** Whether the engine answers; throws EngineUnavailableError when it does not. */
  ping?(): Promise<void>;
}

export interface EnvDiskUsage {
  envId: string;
  bytes: number;
}

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

export class UnknownEnvError extends Error {
  constructor(envId: string, known: string[]) {
    super(
      `unknown environment "${envId}"; known: ${known.join(", ") || "none (archlab env up LAB)"}`,
    );
    this.name = "UnknownEnvError";
  }
}

export class UnknownHostError extends Error {
  constructor(envId: string, host: string, known: string[]) {
    super(`environment ${envId} has no host "${host}"; its hosts: ${known.join(", ")}`);
    this.name = "UnknownHostError";
  }
}

export class ProvisionError extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
    readonly lastLogLines: string[],
    /** The lab API's error code when the cause is known (src/protocol/lab-api.ts). */
    readonly code?: "image-missing",
  ) {
    super(
      `host "${host}" failed to start: ${reason}` +
        (lastLogLines.length ? `\n  its last output:\n    ${lastLogLines.join("\n    ")}` : "") +
        `\n  everything created for this environment was removed.`,
    );
    this.name = "ProvisionError";
  }
}

/**
 * The engine does not answer at all (dockerd stopped or restarting: its socket refuses or drops
 * the connection). Nothing is known to be lost: callers keep their state and try again once the
 * engine answers (sessions/engine-health.ts). The lab API answers 503 with this code.
 */
export class EngineUnavailableError extends Error {
  readonly code = "engine-unavailable";
  constructor(cause?: unknown) {
    const why = (cause as { code?: unknown } | undefined)?.code;
    super(
      `the Docker engine does not answer${typeof why === "string" ? ` (${why})` : ""}; ` +
        "it may be restarting: archlab retries by itself",
      { cause },
    );
    this.name = "EngineUnavailableError";
  }
}

/** Whether `err` says the engine did not answer (by its code, never its message). */
export function isEngineUnavailable(err: unknown): err is EngineUnavailableError {
  return (err as { code?: unknown } | undefined)?.code === "engine-unavailable";
}
