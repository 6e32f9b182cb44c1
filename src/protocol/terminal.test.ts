import { describe, expect, it } from "vitest";
import {
  decodeFrame,
  encodeAck,
  encodeExit,
  encodeInput,
  encodeJson,
  encodeOutput,
  encodeResize,
  FrameError,
  Op,
  parseClientHello,
} from "./terminal.ts";

describe("terminal frames", () => {
  it("round-trips every frame type", () => {
    expect(decodeFrame(encodeInput("ls -l\r"))).toEqual({
      op: Op.INPUT,
      data: new TextEncoder().encode("ls -l\r"),
    });
    expect(decodeFrame(encodeResize(120, 40))).toEqual({ op: Op.RESIZE, cols: 120, rows: 40 });
    expect(decodeFrame(encodeAck(123_456_789))).toEqual({ op: Op.ACK, offset: 123_456_789 });
    expect(decodeFrame(encodeExit(130))).toEqual({ op: Op.EXIT, code: 130 });
    const out = decodeFrame(encodeOutput(4096, new Uint8Array([0xe4, 0xb8, 0xad])));
    expect(out).toEqual({ op: Op.OUTPUT, offset: 4096, data: new Uint8Array([0xe4, 0xb8, 0xad]) });
    expect(decodeFrame(encodeJson(Op.HELLO, { a: 1 }))).toEqual({ op: Op.HELLO, json: { a: 1 } });
  });

  it("carries terminal bytes raw, not JSON-encoded", () => {
    const frame = encodeInput(new Uint8Array([0x1b, 0x5b, 0x41]));
    expect([...frame]).toEqual([Op.INPUT, 0x1b, 0x5b, 0x41]);
  });

  it("rejects malformed frames with a reason", () => {
    expect(() => decodeFrame(new Uint8Array([]))).toThrow(FrameError);
    expect(() => decodeFrame(new Uint8Array([99, 1]))).toThrow(/unknown opcode 99/);
    expect(() => decodeFrame(new Uint8Array([Op.RESIZE, 1, 2]))).toThrow(/needs 5 bytes/);
    expect(() => decodeFrame(new Uint8Array([Op.HELLO, 123]))).toThrow(/not valid JSON/);
    expect(() => decodeFrame(new Uint8Array([Op.OUTPUT, 1]))).toThrow(/too short/);
  });
});

describe("client HELLO validation", () => {
  const good = { envId: "eabcdefghij", host: "workstation", cols: 80, rows: 24 };
  it("accepts a valid hello with or without resumeFrom", () => {
    expect(parseClientHello(good)).toEqual(good);
    expect(parseClientHello({ ...good, resumeFrom: 10 })).toEqual({ ...good, resumeFrom: 10 });
    const resumed = { ...good, resumeFrom: 10, shell: "0f3a9c" };
    expect(parseClientHello(resumed)).toEqual(resumed);
  });
  it.each([
    [{ ...good, envId: "../../x" }, /envId/],
    [{ ...good, host: "Bad Host" }, /host/],
    [{ ...good, cols: 0 }, /cols\/rows/],
    [{ ...good, rows: 10_000 }, /cols\/rows/],
    [{ ...good, resumeFrom: -1 }, /resumeFrom/],
    [{ ...good, shell: "../x" }, /shell/],
    [{ ...good, shell: 7 }, /shell/],
    ["hello", /object/],
  ])("rejects %j", (hello, message) => {
    expect(parseClientHello(hello)).toMatch(message);
  });
});
