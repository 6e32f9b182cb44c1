// The terminal gateway's HELLO over a fake socket and a fake shell: a reconnect resumes at its
// offset in the same shell, and an offset into a shell this server does not have (it restarted)
// is ignored: the replay starts at the new shell's first byte, under another shell id.
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import {
  decodeFrame,
  encodeInput,
  encodeJson,
  Op,
  type ServerHello,
} from "../../protocol/terminal.ts";
import type { Provisioner, Shell } from "../provisioner/types.ts";
import { FakeProvisioner } from "../testing/fake-provisioner.ts";
import { handleTerminalSocket, ShellRegistry, type Principal } from "./gateway.ts";

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

describe("learner and instructor on one shell (FakeProvisioner)", () => {
  async function open(
    shells: ShellRegistry,
    provisioner: Provisioner,
    envId: string,
    who: Principal,
  ): Promise<FakeSocket> {
    const ws = new FakeSocket();
    handleTerminalSocket(
      ws as unknown as WebSocket,
      who,
      {
        provisioner,
        roleFor: async (p) =>
          p.learnerId === "alice" ? "learner" : p.instructor ? "instructor" : undefined,
      },
      shells,
    );
    const frame = encodeJson(Op.HELLO, { envId, host: "workstation", cols: 80, rows: 24 });
    ws.emit("message", Buffer.from(frame), true);
    for (let i = 0; i < 50 && !ws.hello(); i++) await new Promise((r) => setTimeout(r, 5));
    return ws;
  }
  const input = (ws: FakeSocket, text: string) =>
    ws.emit("message", Buffer.from(encodeInput(text)), true);
  const settle = () => new Promise((r) => setTimeout(r, 10));

  it("the instructor watches read-only, types after taking control, and gives the keys back by leaving", async () => {
    const fake = new FakeProvisioner();
    const env = await fake.create({
      labId: "lab",
      learner: "alice",
      owner: "test",
      ttlMs: 60_000,
      networks: ["lab"],
      hosts: [
        {
          name: "workstation",
          image: "workstation",
          type: "container",
          env: {},
          networks: ["lab"],
          ports: [],
          memoryBytes: 1,
          nanoCpus: 1,
          pids: 1,
          capAdd: [],
          terminal: true,
        },
      ],
    });
    const shells = new ShellRegistry(fake);
    const learner = await open(shells, fake, env.id, { learnerId: "alice", instructor: false });
    const teacher = await open(shells, fake, env.id, { instructor: true });
    expect(learner.hello()?.readOnly).toBe(false);
    expect(teacher.hello()?.readOnly).toBe(true);
    expect(fake.shells).toHaveLength(1);

    input(teacher, "ignored ");
    input(learner, "pwd\r");
    await settle();
    expect(teacher.output()).toBe("pwd\r");

    expect(await shells.setController(env.id, "workstation", "instructor")).toBe(true);
    input(learner, "ignored ");
    input(teacher, "ls\r");
    await settle();
    expect(learner.output()).toBe("pwd\rls\r");

    // The instructor's tab closes: the learner has the keyboard again.
    teacher.emit("close");
    input(learner, "id\r");
    await settle();
    expect(learner.output()).toBe("pwd\rls\rid\r");

    shells.closeEnv(env.id);
    await settle();
    expect(fake.shells[0]?.closed).toBe(true);
  });
});
