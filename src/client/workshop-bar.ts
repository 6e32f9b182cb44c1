// The learner's workshop bar (on every page while a workshop runs): their name and time left,
// the instructor's broadcast, and live events — an environment reset by the instructor or
// removed when idle (passed on to the lab panel), more time, the session's end.
import type { LearnerEventBody, SeatInfo } from "../protocol/workshop.ts";

type Strings = Record<string, string>;

function minutesLeft(ms: number): string {
  const m = Math.max(0, Math.ceil(ms / 60_000));
  return m >= 60 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${m}m`;
}

class WorkshopBar {
  private readonly ui: Strings;
  private expiresAt = 0;
  /** Server clock minus ours, so the countdown is right on a machine with a wrong clock. */
  private skew = 0;
  private readonly time = document.createElement("span");
  private readonly message = document.createElement("div");

  constructor(private readonly bar: HTMLElement) {
    this.ui = JSON.parse(bar.dataset.ui ?? "{}") as Strings;
  }

  async init(): Promise<void> {
    let res: Response;
    try {
      res = await fetch("/api/workshop/me", { credentials: "same-origin" });
    } catch {
      return; // no server: the lab panel says so
    }
    const type = res.headers.get("content-type") ?? "";
    if (!type.includes("json")) return;
    if (res.status === 403) return this.showJoin();
    if (!res.ok) return; // not a workshop
    const seat = (await res.json()) as SeatInfo;
    this.skew = seat.serverNow - Date.now();
    this.expiresAt = seat.expiresAt;
    const name = document.createElement("strong");
    name.textContent = seat.name;
    this.time.className = "workshop-time";
    this.message.className = "workshop-message";
    this.message.setAttribute("role", "status");
    this.message.hidden = true;
    this.bar.replaceChildren(name, this.time, this.message);
    this.bar.hidden = false;
    if (seat.broadcast) this.showBroadcast(seat.broadcast.text);
    if (seat.ended) this.showEnded();
    this.tick();
    setInterval(() => this.tick(), 15_000);
    this.listen();
  }

  private showJoin(): void {
    const link = document.createElement("a");
    link.href = "/join/";
    link.textContent = this.ui.workshopJoin ?? "Join the workshop";
    this.bar.replaceChildren(link);
    this.bar.hidden = false;
  }

  private tick(): void {
    const left = this.expiresAt - (Date.now() + this.skew);
    this.time.textContent = `${minutesLeft(left)} ${this.ui.workshopLeft ?? "left"}`;
    this.bar.dataset.low = String(left < 10 * 60_000);
  }

  private showBroadcast(text: string): void {
    const label = document.createElement("strong");
    label.textContent = `${this.ui.fromInstructor}: `;
    const body = document.createElement("span");
    body.className = "workshop-broadcast";
    body.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn btn-small";
    close.textContent = this.ui.dismiss ?? "Dismiss";
    close.addEventListener("click", () => (this.message.hidden = true));
    this.message.replaceChildren(label, body, close);
    this.message.dataset.kind = "broadcast";
    this.message.hidden = false;
  }

  private showEnded(): void {
    this.message.replaceChildren(this.ui.workshopEnded ?? "");
    this.message.dataset.kind = "ended";
    this.message.hidden = false;
  }

  private listen(): void {
    const events = new EventSource("/api/workshop/me/events");
    const on = (type: LearnerEventBody["type"], fn: (e: LearnerEventBody) => void) =>
      events.addEventListener(type, (m) => fn(JSON.parse((m as MessageEvent<string>).data)));
    on("broadcast", (e) => e.type === "broadcast" && this.showBroadcast(e.text));
    on("time", (e) => {
      if (e.type !== "time") return;
      this.expiresAt = e.expiresAt;
      if (this.message.dataset.kind === "ended") this.message.hidden = true;
      this.tick();
    });
    on("ended", () => this.showEnded());
    on("env", (e) => {
      if (e.type !== "env") return;
      window.dispatchEvent(
        new CustomEvent("archlab:env-changed", { detail: { labId: e.labId, reason: e.reason } }),
      );
    });
  }
}

const bar = document.getElementById("workshop-bar");
if (bar) void new WorkshopBar(bar).init();
