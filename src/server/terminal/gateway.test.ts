// The terminal gateway's HELLO over a fake socket and a fake shell: a reconnect resumes at its
// offset in the same shell, and an offset into a shell this server does not have (it restarted)
// is ignored: the replay starts at the new shell's first byte, under another shell id.
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeJson, Op, type ServerHello } from "../../protocol/terminal.ts";
import type { Provisioner, Shell } from "../provisioner/types.ts";
import { handleTerminalSocket, ShellRegistry } from "./gateway.ts";

const ENV = "eabcdefghij";

function fakeProvisioner() {
  const streams: PassThrough[] = [];
  const provisioner = {
    openShell: async (): Promise<Shell> => {
      const stream = new PassThrough();
      streams.push(stream);
      return {
        stream,
        resize: async () => undefined,
        exited: new Promise<number>(() => undefined),
        close: () => undefined,
      };
    },
  } as unknown as Provisioner;
  return { provisioner, streams };
}

/** A socket that records what the gateway sends. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: Uint8Array[] = [];
  send(frame: Uint8Array): void {
    this.sent.push(frame);
  }
  close(): void {
    this.readyState = 3;
  }
  frames() {
    return this.sent.map((f) => decodeFrame(f));
  }
  hello(): ServerHello | undefined {
    const f = this.frames().find((x) => x.op === Op.HELLO);
    return f && "json" in f ? (f.json as ServerHello) : undefined;
  }
  output(): string {
    return this.frames()
      .map((f) => (f.op === Op.OUTPUT ? new TextDecoder().decode(f.data) : ""))
      .join("");
  }
}

async function connect(shells: ShellRegistry, hello: Record<string, unknown>): Promise<FakeSocket> {
  const ws = new FakeSocket();
  handleTerminalSocket(
    ws as unknown as WebSocket,
    { learnerId: "alice", instructor: false },
    { provisioner: {} as Provisioner, roleFor: async () => "learner" },
    shells,
  );
  const frame = encodeJson(Op.HELLO, { envId: ENV, host: "ws", cols: 80, rows: 24, ...hello });
  ws.emit("message", Buffer.from(frame), true);
  for (let i = 0; i < 50 && !ws.hello(); i++) await new Promise((r) => setTimeout(r, 5));
  return ws;
}

describe("terminal HELLO", () => {
  it("names the shell, resumes within it, and replays all of it for another shell's offset", async () => {
    const fake = fakeProvisioner();
    const shells = new ShellRegistry(fake.provisioner);
    const first = await connect(shells, {});
    const shell = first.hello()?.shell as string;
    expect(shell).toMatch(/^[a-z0-9]{16}$/);
    expect(first.hello()?.offset).toBe(0);
    fake.streams[0]?.emit("data", Buffer.from("hello "));
    expect(first.output()).toBe("hello ");

    // A reconnect of the same page: resumes at its offset, nothing replayed.
    const resumed = await connect(shells, { resumeFrom: 6, shell });
    expect(resumed.hello()).toMatchObject({ offset: 6, shell });
    expect(resumed.output()).toBe("");

    // A page that was viewing a shell of the server before its restart: its offset means
    // nothing here, so it gets this shell from byte 0 and learns the new id.
    const stale = await connect(shells, { resumeFrom: 6, shell: "0123456789abcdef" });
    expect(stale.hello()).toMatchObject({ offset: 0, shell });
    expect(stale.output()).toBe("hello ");
    // A page of before this protocol (no shell id) keeps the old behaviour.
    const legacy = await connect(shells, { resumeFrom: 6 });
    expect(legacy.hello()?.offset).toBe(6);
    expect(fake.streams).toHaveLength(1);
  });
});
