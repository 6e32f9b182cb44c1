// The lab server's composition root: the one place its object graph is built. `buildApp` wires
// sessions, grader, step backgrounds, warm pool, workshop, port preview, the terminal gateway's
// rules and adoption/reaping from any Provisioner and a Store, so the same graph runs on the
// real engine (`startServer`, the CLI, integration tests) and on a fake one (unit tests).
// `dockerEngine` is the engine half: the Docker client, image builder and provisioner.
import type Docker from "dockerode";
import { DEFAULT_PATHS, LESSONS_DIR } from "../lab/catalog.ts";
import type { LoadedLab } from "../lab/loader.ts";
import { lessonPagesByLab } from "../lab/lessons.ts";
import { dockerClient } from "./docker/client.ts";
import { ImageBuilder } from "./docker/images/builder.ts";
import { Grader } from "./grader/grader.ts";
import type { ApiDeps } from "./http/api.ts";
import { PortPreview } from "./http/preview.ts";
import { StepBackgrounds } from "./http/step-backgrounds.ts";
import { WorkshopApi } from "./http/workshop-api.ts";
import { DockerProvisioner } from "./provisioner/docker/docker-provisioner.ts";
import { UnknownEnvError, type Provisioner } from "./provisioner/types.ts";
import { adoptEnvironments, type AdoptionResult } from "./sessions/adoption.ts";
import { DiskGuard } from "./sessions/disk-guard.ts";
import { EngineHealth } from "./sessions/engine-health.ts";
import { LabService } from "./sessions/lab-service.ts";
import { LabSessions } from "./sessions/lab-sessions.ts";
import { WarmPool } from "./sessions/warm-pool.ts";
import type { Store } from "./storage/store.ts";
import { ShellRegistry, type GatewayDeps } from "./terminal/gateway.ts";
import { assertKnownLabs, type WorkshopConfig } from "./workshop/config.ts";
import { Workshop } from "./workshop/workshop.ts";

/** The real engine: one Docker client, the image builder and the Docker provisioner on them. */
export interface DockerEngine {
  docker: Docker;
  images: ImageBuilder;
  provisioner: DockerProvisioner;
}

export function dockerEngine(imagesDir = DEFAULT_PATHS.imagesDir): DockerEngine {
  const docker = dockerClient();
  const images = new ImageBuilder(docker, imagesDir);
  return { docker, images, provisioner: new DockerProvisioner(docker, images) };
}

export interface AppOptions {
  provisioner: Provisioner;
  store: Store;
  labs: LoadedLab[];
  /** This server's owner label (server-identity.ts): what it starts, and adopts after a restart. */
  owner: string;
  envTtlMs?: number;
  maxEnvironments?: number;
  /** Run a workshop: seats, join code, instructor dashboard, warm pool. */
  workshop?: WorkshopConfig;
  /** Lesson pages by lab and language (default: read from lessons/). */
  lessonPages?: Map<string, Record<string, string>>;
  /** How often strays are reaped while the server runs (default 60 s). */
  reapEveryMs?: number;
  /** The disk guard (sessions/disk-guard.ts); defaults: 6 GiB per environment, every 30 s. */
  disk?: { capBytes?: number; floorBytes?: number; everyMs?: number };
  /** How often the engine is pinged while it answers and while it does not (5 s, 1 s). */
  engineCheck?: { upEveryMs?: number; downEveryMs?: number };
  log?: (line: string) => void;
}

export interface App {
  labs: Map<string, LoadedLab>;
  provisioner: Provisioner;
  store: Store;
  sessions: LabSessions;
  /** A learner's lab in domain verbs, with its change events (the API and workshop use it). */
  service: LabService;
  shells: ShellRegistry;
  grader: Grader;
  backgrounds: StepBackgrounds;
  pool?: WarmPool;
  workshop?: Workshop;
  preview: PortPreview;
  /** Whether the engine answers now (a dockerd restart: 503s, skipped rounds, then recovery). */
  engine: EngineHealth;
  /** What the HTTP API handlers use. */
  api: ApiDeps;
  /** Who may see which shell, for the terminal WebSocket. */
  terminal: GatewayDeps;
  /**
   * Takes back the environments this owner left running (a restart), removes strays, and
   * keeps reaping every `reapEveryMs`. Call once, before serving.
   */
  resume(): Promise<AdoptionResult>;
  /** Starts the workshop's sweep and warm pool, once the server's public URL is known. */
  startWorkshop(publicUrl: string, sweepEveryMs?: number): void;
  /** Stops reaping, ends the workshop and removes every environment it started (not the store). */
  close(): Promise<void>;
}

const REAP_EVERY_MS = 60_000;
const GiB = 1024 ** 3;

/**
 * The disk guard on a provisioner that can measure disk use: an environment that writes more
 * than its cap, or the biggest writer when the engine's disk runs low, is taken away with the
 * reason told to its learner.
 */
function diskGuardFor(
  provisioner: Provisioner,
  owner: string,
  sessions: LabSessions,
  options: AppOptions["disk"],
  engine: EngineHealth,
  log: (line: string) => void,
): { guard: DiskGuard; everyMs: number } | undefined {
  const usage = provisioner.diskUsage?.bind(provisioner);
  const space = provisioner.diskSpace?.bind(provisioner);
  if (!usage || !space) return undefined;
  const guard = new DiskGuard({
    // While the engine does not answer, the round is skipped (EngineHealth logs it once).
    usage: async () => {
      engine.assertUp();
      return usage(owner).catch((err: unknown) => {
        engine.noteFailure(err);
        throw err;
      });
    },
    space,
    capBytes: options?.capBytes ?? 6 * GiB,
    // 2 GiB or 5 % of the disk, whichever is more.
    floorBytes: options?.floorBytes ?? ((total) => Math.max(2 * GiB, total / 20)),
    evict: async (envId, reason) => {
      const who = sessions.owner(envId);
      log(
        `archlab: disk guard removed ${envId}${who ? ` (learner ${who.learnerId}, lab ${who.labId})` : ""}: ${reason}`,
      );
      await sessions.evict(envId, reason, "disk-full");
    },
    log,
  });
  return { guard, everyMs: options?.everyMs ?? 30_000 };
}

/** The workshop's labs, in its order; an unknown id is an error that names the known ones. */
function workshopLabs(config: WorkshopConfig, labs: Map<string, LoadedLab>): LoadedLab[] {
  assertKnownLabs(config.labs, [...labs.keys()]);
  return config.labs.map((id) => labs.get(id) as LoadedLab);
}

export function buildApp(options: AppOptions): App {
  const { provisioner, store, owner } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const labs = new Map(options.labs.map((l) => [l.lab.id, l]));
  const config = options.workshop;
  const roomLabs = config ? workshopLabs(config, labs) : [];
  const shells = new ShellRegistry(provisioner);
  const engine = new EngineHealth({
    ping: () => provisioner.ping?.() ?? Promise.resolve(),
    ...options.engineCheck,
    log,
  });
  // A workshop's environments live as long as a seat may (with extensions); the reaper still
  // removes them at once if this server dies.
  const ttlMs = options.envTtlMs ?? (config ? config.sessionMs + 12 * 3600_000 : 2 * 3600_000);
  const pool = config
    ? new WarmPool(provisioner, roomLabs, {
        size: config.pool.size,
        memoryBudgetBytes: config.pool.memoryBytes,
        owner,
        ttlMs,
        engine,
        log,
      })
    : undefined;
  const grader = new Grader(provisioner);
  // Imported scenarios' background scripts, run as their steps open.
  const backgrounds = new StepBackgrounds((envId, script) => grader.run(envId, script));
  let workshop: Workshop | undefined;
  const sessions: LabSessions = new LabSessions(
    provisioner,
    {
      owner,
      ttlMs,
      maxEnvironments:
        options.maxEnvironments ?? Math.max(20, config ? config.seats * roomLabs.length : 0),
      ...(pool ? { pool } : {}),
      engine,
      onChange: (learnerId, labId, state) =>
        service.environmentChanged(learnerId, labs.get(labId), labId, state),
    },
    (envId) => shells.closeEnv(envId),
  );
  // The sessions above report to it (only once they run, so after this line).
  const service = new LabService({ sessions, grader, store, backgrounds, engine });
  if (config && pool) {
    workshop = new Workshop({
      config,
      store,
      sessions,
      service,
      shells,
      labs: roomLabs,
      pool,
      lessonPages: options.lessonPages ?? lessonPagesByLab(LESSONS_DIR, [...labs.keys()]),
    });
  }
  const api: ApiDeps = {
    labs,
    service,
    store,
    ...(workshop ? { workshop: { workshop, api: new WorkshopApi(workshop, store) } } : {}),
  };
  const preview = new PortPreview({
    labs,
    learnerByToken: (token) => store.learnerByToken(token),
    isInstructorKey: (key) => workshop?.room.isInstructor(key) ?? false,
    envOf: (learnerId, labId) => {
      const lab = labs.get(labId);
      const status = lab ? sessions.status(learnerId, lab) : undefined;
      return status?.state === "ready" ? status.envId : undefined;
    },
    ownerOf: (envId) => sessions.owner(envId),
    address: (envId, host) => provisioner.hostAddress(envId, host),
  });
  const terminal: GatewayDeps = {
    provisioner,
    roleFor: async (principal, envId, host) => {
      const envOwner = sessions.owner(envId);
      const lab = envOwner ? labs.get(envOwner.labId) : undefined;
      if (!envOwner || lab?.lab.hosts[host]?.terminal !== true) return undefined;
      if (principal.learnerId === envOwner.learnerId) return "learner";
      if (principal.instructor) return "instructor";
      return undefined;
    },
    onInput: (principal) => {
      if (principal.learnerId) workshop?.touch(principal.learnerId);
    },
  };

  const disk = diskGuardFor(provisioner, owner, sessions, options.disk, engine, log);
  let reaper: NodeJS.Timeout | undefined;
  // A round of reaping; skipped while the engine does not answer (nothing is judged stray then).
  const reapRound = () => {
    if (!engine.up) return;
    void provisioner.reap().catch((err: unknown) => void engine.noteFailure(err));
  };
  // After an outage, each learner's environment is looked at: with the engine's live-restore
  // its containers kept running and it is handed back as it was; an engine restarted without
  // live-restore stopped them, and the learner is told so (rather than shown "ready").
  const checkSurvivors = async () => {
    for (const envId of sessions.envIds()) {
      let stopped: string[];
      try {
        const env = await provisioner.get(envId);
        stopped = env.hosts.filter((h) => h.state !== "running").map((h) => h.name);
      } catch (err) {
        if (!(err instanceof UnknownEnvError)) return void engine.noteFailure(err);
        stopped = ["all its hosts"];
      }
      if (stopped.length === 0) continue;
      log(`archlab: after the engine restarted, ${envId} is stopped (${stopped.join(", ")})`);
      await sessions.evict(
        envId,
        `the Docker engine restarted without live-restore and stopped this environment ` +
          `(${stopped.join(", ")})`,
        "start-failed",
      );
    }
  };
  // Back from an outage: what could not be removed during it goes now, the pool fills again.
  engine.onRecovered(() => {
    void checkSurvivors().finally(reapRound);
    void pool?.refill();
  });
  const resume = async (): Promise<AdoptionResult> => {
    const adoption = await adoptEnvironments({
      provisioner,
      owner,
      labs,
      sessions,
      ...(pool ? { pool } : {}),
      // In a workshop, only a learner with a seat that has not ended gets an environment back.
      knownLearner: (id) => (workshop ? workshop.room.active(id) : store.hasLearner(id)),
    });
    if (adoption.adopted.length > 0 || adoption.removed.length > 0)
      log(
        `archlab: after a restart, took back ${adoption.adopted.length} environment(s)` +
          adoption.removed.map((r) => `; removed ${r.envId} (${r.reason})`).join(""),
      );
    await provisioner.reap();
    reaper = setInterval(reapRound, options.reapEveryMs ?? REAP_EVERY_MS);
    reaper.unref();
    disk?.guard.start(disk.everyMs);
    engine.start();
    return adoption;
  };

  return {
    labs,
    provisioner,
    store,
    sessions,
    service,
    shells,
    grader,
    backgrounds,
    ...(pool ? { pool } : {}),
    ...(workshop ? { workshop } : {}),
    preview,
    engine,
    api,
    terminal,
    resume,
    startWorkshop: (publicUrl, sweepEveryMs) => {
      if (!workshop) return;
      workshop.publicUrl = publicUrl;
      workshop.start(sweepEveryMs);
    },
    close: async () => {
      clearInterval(reaper);
      engine.stop();
      disk?.guard.stop();
      await workshop?.close();
      await sessions.destroyAll();
    },
  };
}
