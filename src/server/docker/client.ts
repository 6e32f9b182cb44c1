// One way to reach the Docker engine, and one clear error when it cannot be reached.
import Docker from "dockerode";

export class EngineUnreachableError extends Error {
  /** The lab API's error code (src/protocol/lab-api.ts). */
  readonly code = "engine-unreachable";
  constructor(
    readonly tried: string,
    cause: unknown,
  ) {
    super(
      `cannot reach the Docker engine at ${tried}: ${(cause as Error)?.message ?? cause}\n` +
        `  start one: as root on Debian, \`apt-get install -y docker.io && (dockerd >/var/log/dockerd.log 2>&1 &)\`` +
        ` — \`npm start\` does this for you; elsewhere install Docker Engine and start it,` +
        ` or point DOCKER_HOST at a running engine.`,
    );
    this.name = "EngineUnreachableError";
  }
}

/** Where the client will connect: DOCKER_HOST if set, else the default Unix socket. */
export function engineAddress(): string {
  return process.env.DOCKER_HOST || "unix:///var/run/docker.sock";
}

export function dockerClient(): Docker {
  // dockerode reads DOCKER_HOST itself; without it, it uses /var/run/docker.sock.
  return new Docker();
}

/** Pings the engine; throws EngineUnreachableError naming what was tried. */
export async function assertEngine(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new EngineUnreachableError(
      engineAddress() + (process.env.DOCKER_HOST ? " (from DOCKER_HOST)" : " (DOCKER_HOST unset)"),
      err,
    );
  }
}
