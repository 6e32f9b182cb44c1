// The terminal WebSocket: authenticates who connects (learner or workshop instructor, by cookie,
// checked at upgrade), waits for a HELLO naming an environment they may see and a size, then
// attaches to that host's shell session as the learner (who types) or an instructor (who
// watches, and types only after taking control). Malformed or oversized frames close this
// socket with a reason, never the server.
import type { WebSocket } from "ws";
import {
  decodeFrame,
  encodeJson,
  FrameError,
  MAX_COLS,
  MAX_ROWS,
  Op,
  parseClientHello,
  type ClientHello,
  type Controller,
  type ServerHello,
} from "../../protocol/terminal.ts";
import type { Provisioner } from "../provisioner/types.ts";
import { ShellSession, type Viewer } from "./shell-session.ts";

/** WebSocket close codes (4000-4999 are the application's). */
export const Close = {
  badFrame: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  helloTimeout: 4408,
  serverError: 4500,
} as const;

const HELLO_TIMEOUT_MS = 10_000;

/** Who opened the socket. */
export interface Principal {
  learnerId?: string;
  instructor: boolean;
}

export interface GatewayDeps {
  provisioner: Provisioner;
  /**
   * The role `who` gets on the shell of `host` in `envId`: "learner" for its owner,
   * "instructor" for a workshop's instructor, undefined when they may not see it.
   */
  roleFor(who: Principal, envId: string, host: string): Promise<Controller | undefined>;
  /** Told when someone's keys reached a shell (a workshop notes the learner is active). */
  onInput?(who: Principal): void;
}

/** Shell sessions by "envId/host"; created on first view, kept across reconnects. */
export class ShellRegistry {
  private readonly sessions = new Map<string, Promise<ShellSession>>();

  constructor(private readonly provisioner: Provisioner) {}

  get(hello: ClientHello): Promise<ShellSession> {
    const key = `${hello.envId}/${hello.host}`;
    const existing = this.sessions.get(key);
    if (existing) {
      return existing.then((s) => (s.alive ? s : this.open(key, hello)));
    }
    return this.open(key, hello);
  }

  private open(key: string, hello: ClientHello): Promise<ShellSession> {
    const size = { cols: hello.cols, rows: hello.rows };
    const session = this.provisioner
      .openShell(hello.envId, hello.host, size)
      .then((shell) => new ShellSession(shell, size));
    this.sessions.set(key, session);
    session.catch(() => this.sessions.delete(key));
    return session;
  }

  /** Hands the keyboard of a running shell over; false when nobody has opened that shell. */
  async setController(envId: string, host: string, controller: Controller): Promise<boolean> {
    const session = await this.sessions.get(`${envId}/${host}`)?.catch(() => undefined);
    if (!session?.alive) return false;
    session.setController(controller);
    return true;
  }

  /** Closes every shell of an environment (it is being destroyed or reset). */
  closeEnv(envId: string): void {
    for (const [key, session] of this.sessions) {
      if (!key.startsWith(`${envId}/`)) continue;
      this.sessions.delete(key);
      void session.then((s) => s.close()).catch(() => undefined);
    }
  }
}

function sendError(ws: WebSocket, code: string, message: string): void {
  ws.send(encodeJson(Op.ERROR, { code, message }));
}

export function handleTerminalSocket(
  ws: WebSocket,
  who: Principal,
  deps: GatewayDeps,
  shells: ShellRegistry,
): void {
  let session: ShellSession | undefined;
  let viewer: Viewer | undefined;
  let helloSeen = false;
  const fail = (closeCode: number, code: string, message: string) => {
    sendError(ws, code, message);
    ws.close(closeCode, message.slice(0, 120));
  };
  const helloTimer = setTimeout(
    () => fail(Close.helloTimeout, "hello-timeout", "no HELLO within 10 s"),
    HELLO_TIMEOUT_MS,
  );

  const onHello = async (json: unknown) => {
    const hello = parseClientHello(json);
    if (typeof hello === "string") return fail(Close.badFrame, "bad-hello", hello);
    const role = await deps.roleFor(who, hello.envId, hello.host);
    if (!role) {
      return fail(
        Close.forbidden,
        "forbidden",
        `environment ${hello.envId} is not yours, or has no shell on ${hello.host}`,
      );
    }
    try {
      session = await shells.get(hello);
    } catch (err) {
      return fail(
        Close.serverError,
        "shell-failed",
        `could not open a shell: ${(err as Error).message}`,
      );
    }
    if (ws.readyState !== ws.OPEN) return;
    viewer = {
      acked: 0,
      role,
      send: (frame) => {
        if (ws.readyState === ws.OPEN) ws.send(frame);
      },
    };
    // An offset into another shell (this server restarted since) does not count here.
    const resumeFrom =
      hello.shell === undefined || hello.shell === session.id ? hello.resumeFrom : 0;
    // The reply goes first; its offset is where the replay that follows starts.
    const start = Math.max(session.replayStart, Math.min(resumeFrom ?? 0, session.offset));
    const reply: ServerHello = {
      host: hello.host,
      offset: start,
      readOnly: session.readOnly(viewer),
      shell: session.id,
    };
    ws.send(encodeJson(Op.HELLO, reply));
    session.attach(viewer, resumeFrom);
    await session.resize(viewer, { cols: hello.cols, rows: hello.rows });
  };

  ws.on("message", (raw: Buffer, isBinary: boolean) => {
    if (!isBinary)
      return fail(Close.badFrame, "bad-frame", "text frames are not part of the protocol");
    let frame;
    try {
      frame = decodeFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    } catch (err) {
      return fail(
        Close.badFrame,
        "bad-frame",
        err instanceof FrameError ? err.message : "malformed frame",
      );
    }
    if (frame.op === Op.HELLO) {
      if (helloSeen) return fail(Close.badFrame, "bad-frame", "HELLO sent twice");
      helloSeen = true;
      clearTimeout(helloTimer);
      void onHello(frame.json).catch(() => fail(Close.serverError, "error", "internal error"));
      return;
    }
    if (!session || !viewer) return fail(Close.badFrame, "bad-frame", "send HELLO first");
    switch (frame.op) {
      case Op.INPUT:
        if (session.input(viewer, frame.data)) deps.onInput?.(who);
        break;
      case Op.RESIZE:
        if (frame.cols < 1 || frame.rows < 1 || frame.cols > MAX_COLS || frame.rows > MAX_ROWS) {
          return fail(Close.badFrame, "bad-frame", `size must be within ${MAX_COLS}x${MAX_ROWS}`);
        }
        void session.resize(viewer, { cols: frame.cols, rows: frame.rows });
        break;
      case Op.ACK:
        session.ack(viewer, frame.offset);
        break;
      default:
        return fail(Close.badFrame, "bad-frame", `opcode ${frame.op} is not sent by clients`);
    }
  });
  ws.on("close", () => {
    clearTimeout(helloTimer);
    if (session && viewer) session.detach(viewer);
  });
  ws.on("error", () => undefined);
}
