// The terminal wire format (DESIGN §4), shared by the browser and the server. Binary WebSocket
// frames whose first byte is an opcode. Terminal bytes travel raw, never JSON-encoded; only the
// rare control messages (HELLO, ERROR) carry JSON.
//
//   client -> server: HELLO {envId, host, cols, rows, resumeFrom?, shell?} | INPUT bytes | RESIZE u16 cols,
//                     u16 rows | ACK f64 offset (bytes of output the terminal has written)
//   server -> client: HELLO {host, offset, readOnly, shell} | OUTPUT f64 offset + bytes | EXIT i32 code |
//                     ERROR {code, message} | CONTROL {controller, readOnly} (who types now: the
//                     learner, or an instructor who took over; sent on attach and on change)
// Offsets count every byte the shell has produced since it started, so a reconnecting client
// asks for exactly what it missed. Offsets belong to one shell, named by `shell`: a client that
// resumes a shell the server no longer has (the server restarted) gets a new shell from offset 0
// and a HELLO with another `shell`, and says so.

import { ENV_ID_RE, REQUEST_ID_RE } from "./ids.ts";

export const Op = {
  HELLO: 1,
  INPUT: 2,
  OUTPUT: 3,
  RESIZE: 4,
  ACK: 5,
  EXIT: 6,
  ERROR: 7,
  CONTROL: 8,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

export interface ClientHello {
  envId: string;
  host: string;
  cols: number;
  rows: number;
  /** Output offset to resume from after a reconnect (omit for a fresh view). */
  resumeFrom?: number;
  /** The shell `resumeFrom` counts in (the `shell` of the last server HELLO). */
  shell?: string;
}

export interface ServerHello {
  host: string;
  /** Offset of the first byte that will follow (the start of the replay). */
  offset: number;
  readOnly: boolean;
  /** Which shell this is: another one than the client resumed means its offsets start anew. */
  shell?: string;
}

/** Who may type into a shell: its learner, or an instructor who has taken control. */
export type Controller = "learner" | "instructor";

export interface ControlBody {
  controller: Controller;
  /** Whether this viewer's keys are ignored now. */
  readOnly: boolean;
}

export interface ErrorBody {
  code: string;
  message: string;
}

/** Largest frame either side accepts; bigger ones close the socket. */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_COLS = 500;
export const MAX_ROWS = 200;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function frame(op: OpCode, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = op;
  out.set(body, 1);
  return out;
}

export function encodeJson(op: OpCode, value: unknown): Uint8Array {
  return frame(op, encoder.encode(JSON.stringify(value)));
}

export function encodeInput(data: Uint8Array | string): Uint8Array {
  return frame(Op.INPUT, typeof data === "string" ? encoder.encode(data) : data);
}

export function encodeResize(cols: number, rows: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = Op.RESIZE;
  new DataView(out.buffer).setUint16(1, cols);
  new DataView(out.buffer).setUint16(3, rows);
  return out;
}

export function encodeAck(offset: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = Op.ACK;
  new DataView(out.buffer).setFloat64(1, offset);
  return out;
}

export function encodeOutput(offset: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 9);
  out[0] = Op.OUTPUT;
  new DataView(out.buffer).setFloat64(1, offset);
  out.set(data, 9);
  return out;
}

export function encodeExit(code: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = Op.EXIT;
  new DataView(out.buffer).setInt32(1, code);
  return out;
}

export type Frame =
  | { op: typeof Op.HELLO; json: unknown }
  | { op: typeof Op.ERROR; json: unknown }
  | { op: typeof Op.CONTROL; json: unknown }
  | { op: typeof Op.INPUT; data: Uint8Array }
  | { op: typeof Op.OUTPUT; offset: number; data: Uint8Array }
  | { op: typeof Op.RESIZE; cols: number; rows: number }
  | { op: typeof Op.ACK; offset: number }
  | { op: typeof Op.EXIT; code: number };

export class FrameError extends Error {}

/** Decodes one frame; throws FrameError on anything malformed. */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length === 0) throw new FrameError("empty frame");
  if (bytes.length > MAX_FRAME_BYTES + 9) throw new FrameError("frame too large");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const op = bytes[0];
  const need = (n: number) => {
    if (bytes.length !== n)
      throw new FrameError(`opcode ${op} needs ${n} bytes, got ${bytes.length}`);
  };
  switch (op) {
    case Op.HELLO:
    case Op.ERROR:
    case Op.CONTROL: {
      try {
        return { op, json: JSON.parse(decoder.decode(bytes.subarray(1))) };
      } catch {
        throw new FrameError("control frame is not valid JSON");
      }
    }
    case Op.INPUT:
      return { op, data: bytes.subarray(1) };
    case Op.OUTPUT:
      if (bytes.length < 9) throw new FrameError("output frame too short");
      return { op, offset: view.getFloat64(1), data: bytes.subarray(9) };
    case Op.RESIZE:
      need(5);
      return { op, cols: view.getUint16(1), rows: view.getUint16(3) };
    case Op.ACK:
      need(9);
      return { op, offset: view.getFloat64(1) };
    case Op.EXIT:
      need(5);
      return { op, code: view.getInt32(1) };
    default:
      throw new FrameError(`unknown opcode ${op}`);
  }
}

/** Validates a client HELLO; returns an error message or the hello. */
export function parseClientHello(json: unknown): ClientHello | string {
  if (typeof json !== "object" || json === null) return "hello must be an object";
  const h = json as Record<string, unknown>;
  if (typeof h.envId !== "string" || !ENV_ID_RE.test(h.envId))
    return "hello.envId is not an environment id";
  if (typeof h.host !== "string" || !REQUEST_ID_RE.test(h.host))
    return "hello.host is not a host name";
  const dim = (v: unknown, max: number) =>
    Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;
  if (!dim(h.cols, MAX_COLS) || !dim(h.rows, MAX_ROWS))
    return `hello.cols/rows must be integers within ${MAX_COLS}x${MAX_ROWS}`;
  if (
    h.resumeFrom !== undefined &&
    !(Number.isInteger(h.resumeFrom) && (h.resumeFrom as number) >= 0)
  ) {
    return "hello.resumeFrom must be a non-negative integer";
  }
  if (h.shell !== undefined && !(typeof h.shell === "string" && /^[a-z0-9]{1,32}$/.test(h.shell)))
    return "hello.shell is not a shell id";
  return {
    envId: h.envId,
    host: h.host,
    cols: h.cols as number,
    rows: h.rows as number,
    ...(h.resumeFrom !== undefined ? { resumeFrom: h.resumeFrom as number } : {}),
    ...(h.shell !== undefined ? { shell: h.shell as string } : {}),
  };
}
