import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { decodeFrame, Op } from "../../protocol/terminal.ts";
import type { Shell } from "../provisioner/types.ts";
import { HIGH_WATER, REPLAY_BYTES, ShellSession, type Viewer } from "./shell-session.ts";

function fakeShell() {
  const stream = new PassThrough();
  const written: Buffer[] = [];
  const sink = { write: (d: Buffer) => written.push(Buffer.from(d)) };
  let exit: (code: number) => void = () => {};
  const shell = {
    stream: Object.assign(stream, { write: sink.write }) as unknown as Shell["stream"],
    resize: async () => undefined,
    exited: new Promise<number>((r) => (exit = r)),
    close: () => undefined,
  } as Shell;
  return { shell, stream, written, exit: (c: number) => exit(c) };
}

function viewer(
  role: Viewer["role"] = "learner",
): Viewer & { frames: Uint8Array[]; text(): string } {
  const frames: Uint8Array[] = [];
  return {
    acked: 0,
    role,
    frames,
    send: (f) => frames.push(f),
    text: () =>
      frames
        .map((f) => decodeFrame(f))
        .map((f) => (f.op === Op.OUTPUT ? new TextDecoder().decode(f.data) : ""))
        .join(""),
  };
}

const emit = (stream: PassThrough, text: string) => stream.emit("data", Buffer.from(text));

describe("ShellSession", () => {
  it("replays everything to a new viewer and only the missed part to a resuming one", () => {
    const { shell, stream } = fakeShell();
    const session = new ShellSession(shell, { cols: 80, rows: 24 });
    emit(stream, "hello ");
    emit(stream, "world");
    const fresh = viewer();
    expect(session.attach(fresh)).toBe(0);
    expect(fresh.text()).toBe("hello world");
    const resumed = viewer();
    expect(session.attach(resumed, 6)).toBe(6);
    expect(resumed.text()).toBe("world");
    emit(stream, "!");
    expect(fresh.text()).toBe("hello world!");
    expect(resumed.text()).toBe("world!");
  });

  it("keeps a bounded replay buffer and resumes from its start when too much was missed", () => {
    const { shell, stream } = fakeShell();
    const session = new ShellSession(shell, { cols: 80, rows: 24 });
    const chunk = "x".repeat(64 * 1024);
    for (let i = 0; i < 12; i++) emit(stream, chunk);
    expect(session.offset).toBe(12 * 64 * 1024);
    expect(session.offset - session.replayStart).toBeLessThanOrEqual(REPLAY_BYTES);
    const late = viewer();
    expect(session.attach(late, 0)).toBe(session.replayStart);
  });

  it("takes input from the owner but not from a read-only viewer", () => {
    const { shell, written } = fakeShell();
    const session = new ShellSession(shell, { cols: 80, rows: 24 });
    const owner = viewer();
    const watcher = viewer("instructor");
    session.attach(owner);
    session.attach(watcher);
    expect(session.input(owner, new TextEncoder().encode("ls\r"))).toBe(true);
    expect(session.input(watcher, new TextEncoder().encode("rm -rf /\r"))).toBe(false);
    expect(Buffer.concat(written).toString()).toBe("ls\r");
  });

  it("hands the keyboard to an instructor who takes control, tells every viewer, and back", () => {
    const { shell, written } = fakeShell();
    const session = new ShellSession(shell, { cols: 80, rows: 24 });
    const learner = viewer();
    const instructor = viewer("instructor");
    session.attach(learner);
    session.attach(instructor);
    const lastControl = (v: typeof learner) =>
      v.frames
        .map((f) => decodeFrame(f))
        .filter((f) => f.op === Op.CONTROL)
        .at(-1);
    expect(lastControl(learner)).toEqual({
      op: Op.CONTROL,
      json: { controller: "learner", readOnly: false },
    });
    session.setController("instructor");
    expect(lastControl(learner)).toEqual({
      op: Op.CONTROL,
      json: { controller: "instructor", readOnly: true },
    });
    expect(lastControl(instructor)).toEqual({
      op: Op.CONTROL,
      json: { controller: "instructor", readOnly: false },
    });
    expect(session.input(learner, new TextEncoder().encode("a"))).toBe(false);
    expect(session.input(instructor, new TextEncoder().encode("b"))).toBe(true);
    session.setController("learner");
    expect(session.input(learner, new TextEncoder().encode("c"))).toBe(true);
    expect(Buffer.concat(written).toString()).toBe("bc");
  });

  it("gives the keyboard back to the learner when the controlling instructor goes away", () => {
    const { shell, written } = fakeShell();
    const session = new ShellSession(shell, { cols: 80, rows: 24 });
    const learner = viewer();
    const instructor = viewer("instructor");
    session.attach(learner);
    session.attach(instructor);
    session.setController("instructor");
    session.detach(instructor);
    expect(session.controller).toBe("learner");
    expect(session.input(learner, new TextEncoder().encode("x"))).toBe(true);
    expect(Buffer.concat(written).toString()).toBe("x");
  });

  it("pauses the shell when a viewer falls behind and resumes once it acknowledges", () => {
    const { shell, stream } = fakeShell();
    const session = new ShellSession(shell, { cols: 80, rows: 24 });
    const slow = viewer();
    session.attach(slow);
    emit(stream, "y".repeat(HIGH_WATER + 1024));
    expect(stream.isPaused()).toBe(true);
    session.ack(slow, session.offset);
    expect(stream.isPaused()).toBe(false);
  });

  it("tells viewers when the shell exits", async () => {
    const fake = fakeShell();
    const session = new ShellSession(fake.shell, { cols: 80, rows: 24 });
    const v = viewer();
    session.attach(v);
    fake.exit(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(session.alive).toBe(false);
    expect(decodeFrame(v.frames.at(-1) as Uint8Array)).toEqual({ op: Op.EXIT, code: 3 });
  });
});
