// One terminal tab: xterm.js wired to the lab server's terminal WebSocket (DESIGN §4). Sends
// the size with HELLO before the shell starts, acknowledges written bytes (flow control), and
// on a dropped connection reconnects and resumes from the last byte it received.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import {
  decodeFrame,
  encodeAck,
  encodeInput,
  encodeJson,
  encodeResize,
  Op,
  type ClientHello,
  type ControlBody,
  type ServerHello,
} from "../protocol/terminal.ts";

const ACK_EVERY = 16 * 1024;
const NO_RETRY = new Set([4400, 4401, 4403, 4404]);

export interface TerminalViewOptions {
  envId: string;
  host: string;
  messages: { reconnecting: string; shellExited: string; newShell?: string };
  /** Told who has the keyboard (on connect and whenever an instructor takes or gives it back). */
  onControl?: (control: ControlBody) => void;
}

export class TerminalView {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private ws: WebSocket | undefined;
  /** Output offset up to which this terminal has received bytes. */
  private offset = 0;
  /** The shell those offsets count in (from the server's HELLO). */
  private shell: string | undefined;
  private written = 0;
  private acked = 0;
  private exited = false;
  private retries = 0;
  private disposed = false;
  private readonly encoder = new TextEncoder();

  constructor(
    readonly container: HTMLElement,
    private readonly options: TerminalViewOptions,
  ) {
    const dark = document.documentElement.dataset.theme === "dark";
    this.term = new Terminal({
      cursorBlink: true,
      fontSize: 14,
      lineHeight: 1.15, // at 1.0 the DOM renderer clips underscores
      fontFamily: '"DejaVu Sans Mono", "Noto Sans Mono CJK SC", Menlo, Consolas, monospace',
      scrollback: 5000,
      allowProposedApi: false,
      theme: dark ? { background: "#0d1117" } : { background: "#1e1e1e" },
    });
    this.term.loadAddon(this.fit);
    this.term.open(container);
    this.term.textarea?.setAttribute("aria-label", `terminal ${options.host}`);
    this.fit.fit();
    // Ctrl+Shift+C copies the selection (Ctrl+C stays the shell's interrupt).
    this.term.attachCustomKeyEventHandler((e) => {
      if (e.type === "keydown" && e.ctrlKey && e.shiftKey && e.code === "KeyC") {
        void navigator.clipboard?.writeText(this.term.getSelection()).catch(() => undefined);
        return false;
      }
      return true;
    });
    this.term.onData((data) => this.input(data));
    this.term.onResize(({ cols, rows }) => this.send(encodeResize(cols, rows)));
    new ResizeObserver(() => {
      if (container.offsetParent !== null) this.fit.fit();
    }).observe(container);
    this.connect();
  }

  private send(frame: Uint8Array): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  private input(data: string): void {
    if (this.exited) {
      // A new shell on the next key press.
      this.exited = false;
      this.offset = 0;
      this.shell = undefined;
      this.written = 0;
      this.acked = 0;
      this.term.reset();
      this.ws?.close(1000);
      return;
    }
    this.send(encodeInput(this.encoder.encode(data)));
  }

  /** Types `command` and Enter into the shell (the lesson's Run buttons). */
  run(command: string): void {
    this.input(`${command}\r`);
    this.term.focus();
  }

  /** Ctrl+C, as a learner would press it to stop what runs. */
  interrupt(): void {
    this.input("\x03");
  }

  focus(): void {
    this.fit.fit();
    this.term.focus();
  }

  private connect(): void {
    if (this.disposed) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/ws/terminal`);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      this.retries = 0;
      const hello: ClientHello = {
        envId: this.options.envId,
        host: this.options.host,
        cols: this.term.cols,
        rows: this.term.rows,
        ...(this.offset > 0 ? { resumeFrom: this.offset } : {}),
        ...(this.offset > 0 && this.shell ? { shell: this.shell } : {}),
      };
      ws.send(encodeJson(Op.HELLO, hello));
    };
    ws.onmessage = (event) => this.receive(new Uint8Array(event.data as ArrayBuffer));
    ws.onclose = (event) => {
      if (this.disposed || this.ws !== ws) return;
      if (NO_RETRY.has(event.code)) {
        this.term.write(`\r\n\x1b[31m${event.reason || "connection refused"}\x1b[0m\r\n`);
        return;
      }
      if (!this.exited && event.code !== 1000)
        this.term.write(`\r\n\x1b[33m${this.options.messages.reconnecting}\x1b[0m`);
      const delay = event.code === 1000 ? 0 : Math.min(5000, 250 * 2 ** this.retries++);
      setTimeout(() => this.connect(), delay);
    };
  }

  private receive(bytes: Uint8Array): void {
    const frame = decodeFrame(bytes);
    switch (frame.op) {
      case Op.HELLO: {
        const hello = frame.json as ServerHello;
        if (this.shell && hello.shell && hello.shell !== this.shell) {
          // The server restarted and the old shell is out of reach: its offsets start again.
          const note =
            this.options.messages.newShell ?? "The lab server restarted; this is a new shell.";
          this.term.write(`\r\x1b[2K\x1b[33m${note}\x1b[0m\r\n`);
          this.offset = hello.offset;
        } else {
          if (this.offset > 0 && hello.offset === this.offset) this.term.write("\r\x1b[2K"); // resumed: clear the notice
          this.offset = Math.max(this.offset, hello.offset);
        }
        if (hello.shell) this.shell = hello.shell;
        this.written = this.acked = this.offset;
        break;
      }
      case Op.OUTPUT: {
        const end = frame.offset + frame.data.length;
        if (end <= this.offset) return; // already shown before the reconnect
        const data = frame.data.subarray(Math.max(0, this.offset - frame.offset));
        this.offset = end;
        this.term.write(data, () => {
          this.written += data.length;
          if (this.written - this.acked >= ACK_EVERY) {
            this.acked = this.written;
            this.send(encodeAck(this.written));
          }
        });
        break;
      }
      case Op.EXIT:
        this.exited = true;
        this.term.write(`\r\n\x1b[2m${this.options.messages.shellExited}\x1b[0m\r\n`);
        break;
      case Op.CONTROL: {
        const control = frame.json as ControlBody;
        // Keys typed while someone else has control would be dropped by the server anyway.
        this.term.options.disableStdin = control.readOnly;
        this.options.onControl?.(control);
        break;
      }
      case Op.ERROR: {
        const err = frame.json as { message?: string };
        this.term.write(`\r\n\x1b[31m${err.message ?? "error"}\x1b[0m\r\n`);
        break;
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.ws?.close(1000);
    this.term.dispose();
  }
}
