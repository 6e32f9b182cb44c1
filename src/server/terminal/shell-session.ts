// One shell in one host, outliving the WebSockets that view it: keeps a replay buffer with
// absolute byte offsets (a reload or a network blip resumes exactly where the viewer was),
// fans output out to every viewer (the learner's tabs, an instructor shadowing), takes input
// only from whoever has control (the learner, unless an instructor took over), and pauses the
// shell when the slowest viewer falls too far behind (acknowledged-bytes flow control).
import { randomBytes } from "node:crypto";
import {
  encodeExit,
  encodeJson,
  encodeOutput,
  Op,
  type ControlBody,
  type Controller,
} from "../../protocol/terminal.ts";
import type { Shell, ShellSize } from "../provisioner/types.ts";

export interface Viewer {
  send(frame: Uint8Array): void;
  /** Output offset this viewer's terminal has acknowledged as written. */
  acked: number;
  /** Who this viewer is: keys count only while this role has control. */
  role: Controller;
}

/** Output kept for replay; a fresh page gets up to this much scrollback. */
export const REPLAY_BYTES = 512 * 1024;
/** Pause the shell when a viewer has this much unacknowledged output... */
export const HIGH_WATER = 256 * 1024;
/** ...and resume once every viewer is below this. */
export const LOW_WATER = 64 * 1024;
/** Largest OUTPUT frame payload. */
const CHUNK = 32 * 1024;

export class ShellSession {
  /** Names this shell in HELLOs: offsets of another shell (before a restart) mean nothing here. */
  readonly id = randomBytes(8).toString("hex");
  private chunks: { offset: number; data: Uint8Array }[] = [];
  private bufferedBytes = 0;
  /** Total bytes the shell has produced. */
  offset = 0;
  exitCode: number | undefined;
  private readonly viewers = new Set<Viewer>();
  private paused = false;
  private lastSize: ShellSize;
  private controlledBy: Controller = "learner";

  constructor(
    private readonly shell: Shell,
    size: ShellSize,
    private readonly onExit: (code: number) => void = () => {},
  ) {
    this.lastSize = size;
    shell.stream.on("data", (data: Buffer) => this.output(new Uint8Array(data)));
    void shell.exited.then((code) => {
      this.exitCode = code;
      for (const v of this.viewers) v.send(encodeExit(code));
      this.onExit(code);
    });
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  get controller(): Controller {
    return this.controlledBy;
  }

  readOnly(viewer: Viewer): boolean {
    return viewer.role !== this.controlledBy;
  }

  private sendControl(viewer: Viewer): void {
    const body: ControlBody = { controller: this.controlledBy, readOnly: this.readOnly(viewer) };
    viewer.send(encodeJson(Op.CONTROL, body));
  }

  /** Hands the keyboard to the learner or an instructor; every viewer is told. */
  setController(controller: Controller): void {
    if (controller === this.controlledBy) return;
    this.controlledBy = controller;
    for (const v of this.viewers) this.sendControl(v);
  }

  private output(data: Uint8Array): void {
    for (let i = 0; i < data.length; i += CHUNK) {
      const part = data.subarray(i, i + CHUNK);
      this.chunks.push({ offset: this.offset, data: part });
      this.bufferedBytes += part.length;
      const frame = encodeOutput(this.offset, part);
      this.offset += part.length;
      for (const v of this.viewers) v.send(frame);
    }
    while (this.bufferedBytes > REPLAY_BYTES && this.chunks.length > 1) {
      this.bufferedBytes -= (this.chunks.shift() as { data: Uint8Array }).data.length;
    }
    this.applyFlowControl();
  }

  /** Offset of the oldest byte still available for replay. */
  get replayStart(): number {
    return this.chunks[0]?.offset ?? this.offset;
  }

  /**
   * Adds a viewer and replays what it missed: from `resumeFrom` if still buffered, else from
   * the oldest buffered byte. Returns the offset the replay starts at.
   */
  attach(viewer: Viewer, resumeFrom?: number): number {
    const start = Math.max(this.replayStart, Math.min(resumeFrom ?? 0, this.offset));
    viewer.acked = start;
    for (const c of this.chunks) {
      const end = c.offset + c.data.length;
      if (end <= start) continue;
      const from = Math.max(0, start - c.offset);
      viewer.send(encodeOutput(c.offset + from, c.data.subarray(from)));
    }
    this.viewers.add(viewer);
    this.sendControl(viewer);
    if (this.exitCode !== undefined) viewer.send(encodeExit(this.exitCode));
    return start;
  }

  detach(viewer: Viewer): void {
    this.viewers.delete(viewer);
    // An instructor who leaves (closed tab, lost network) never leaves the learner locked out.
    const instructorLeft = ![...this.viewers].some((v) => v.role === "instructor");
    if (this.controlledBy === "instructor" && instructorLeft) this.setController("learner");
    this.applyFlowControl();
  }

  input(viewer: Viewer, data: Uint8Array): boolean {
    if (this.readOnly(viewer) || !this.alive) return false;
    this.shell.stream.write(data);
    return true;
  }

  async resize(viewer: Viewer, size: ShellSize): Promise<void> {
    // The learner's window sets the size, also while an instructor types: what the learner
    // sees must not wrap differently.
    if (viewer.role !== "learner" || !this.alive) return;
    if (size.cols === this.lastSize.cols && size.rows === this.lastSize.rows) return;
    this.lastSize = size;
    await this.shell.resize(size).catch(() => undefined);
  }

  ack(viewer: Viewer, offset: number): void {
    if (offset > viewer.acked && offset <= this.offset) viewer.acked = offset;
    this.applyFlowControl();
  }

  private applyFlowControl(): void {
    let behind = 0;
    for (const v of this.viewers) behind = Math.max(behind, this.offset - v.acked);
    if (!this.paused && behind > HIGH_WATER) {
      this.paused = true;
      this.shell.stream.pause();
    } else if (this.paused && behind < LOW_WATER) {
      this.paused = false;
      this.shell.stream.resume();
    }
  }

  close(): void {
    this.shell.close();
  }
}
