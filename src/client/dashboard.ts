// The instructor's dashboard: a live roster × steps heat map from server-sent snapshots, the
// room's sticking points, a broadcast box, and per learner: watch their terminal (read-only),
// take control and give it back, reset their environment, give them more time.
import type { ControlBody } from "../protocol/terminal.ts";
import type { DashboardLearner, DashboardSnapshot } from "../protocol/workshop.ts";
import type { TerminalView } from "./terminal-view.ts";

const root = document.getElementById("dashboard") as HTMLElement;
const field = (name: string) => root.querySelector(`[data-field="${name}"]`) as HTMLElement;
const errorBox = root.querySelector(".dash-error") as HTMLElement;

/** "4m", "1h 05m", "35s". */
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** Someone who has not typed or checked for this long shows as idle. */
const QUIET_MS = 3 * 60_000;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const reply = (await res.json().catch(() => ({}))) as { error?: { message: string } };
    throw new Error(reply.error?.message ?? `the server answered ${res.status}`);
  }
}

function showError(err: unknown): void {
  errorBox.textContent = (err as Error).message;
  errorBox.hidden = false;
  setTimeout(() => (errorBox.hidden = true), 8000);
}

interface Watching {
  learnerId: string;
  name: string;
  labId: string;
  envId: string;
  host: string;
  tabs: string[];
  view: TerminalView;
  controller: ControlBody["controller"];
}

class Dashboard {
  private snapshot: DashboardSnapshot | undefined;
  private skew = 0;
  private watching: Watching | undefined;
  private readonly watchBox = root.querySelector(".watch") as HTMLElement;

  start(): void {
    const events = new EventSource("/api/workshop/dashboard/events");
    events.addEventListener("snapshot", (m) => {
      this.render(JSON.parse((m as MessageEvent<string>).data) as DashboardSnapshot);
    });
    events.onopen = () => {
      root.dataset.live = "live";
      field("live").textContent = "live";
    };
    events.onerror = () => {
      root.dataset.live = "reconnecting";
      field("live").textContent = "connection lost, reconnecting…";
    };
    setInterval(() => this.snapshot && this.renderRoster(this.snapshot), 5000);
    this.wireBroadcast();
    this.wireWatch();
  }

  private render(s: DashboardSnapshot): void {
    this.snapshot = s;
    this.skew = s.serverNow - Date.now();
    root.dataset.updatedAt = String(s.serverNow);
    const w = s.workshop;
    field("name").textContent = w.name;
    field("join-url").textContent = w.joinUrl;
    field("code").textContent = w.code;
    field("seats").textContent = `${w.taken}/${w.seats} seats`;
    field("pool").textContent = `warm pool: ${Object.entries(w.pool)
      .map(([lab, n]) => `${lab} ${n}`)
      .join(", ")}`;
    field("broadcast").textContent = w.broadcast ? `last: “${w.broadcast.text}”` : "";
    this.renderRoster(s);
    this.renderStats(s);
    this.followWatched(s);
  }

  private now(): number {
    return Date.now() + this.skew;
  }

  private renderRoster(s: DashboardSnapshot): void {
    const table = root.querySelector(".heatmap") as HTMLTableElement;
    const head1 = el("tr");
    const head2 = el("tr");
    for (const h of ["Learner", "Time left", "Activity", "Current step"]) {
      head1.append(el("th", { rowspan: "2", scope: "col" }, h));
    }
    for (const lab of s.workshop.labs) {
      head1.append(el("th", { colspan: String(lab.steps.length), scope: "colgroup" }, lab.title));
      lab.steps.forEach((step, i) =>
        head2.append(el("th", { scope: "col", title: step.title }, String(i + 1))),
      );
    }
    head1.append(el("th", { rowspan: "2", scope: "col" }, "Actions"));
    table.tHead?.replaceChildren(head1, head2);
    const rows = s.learners.map((l) => this.learnerRow(s, l));
    if (rows.length === 0) {
      const steps = s.workshop.labs.reduce((n, l) => n + l.steps.length, 0);
      const empty = el("tr");
      empty.append(
        el(
          "td",
          { colspan: String(steps + 5) },
          `Nobody has joined yet. Share ${s.workshop.joinUrl}`,
        ),
      );
      rows.push(empty);
    }
    table.tBodies[0]?.replaceChildren(...rows);
  }

  private learnerRow(s: DashboardSnapshot, l: DashboardLearner): HTMLTableRowElement {
    const now = this.now();
    const row = el("tr", { "data-learner-id": l.id, "data-name": l.name });
    row.append(el("th", { scope: "row" }, l.name));
    row.append(el("td", {}, l.ended ? "ended" : ago(l.expiresAt - now)));
    const quiet = now - l.lastActiveAt;
    const activity = l.ended
      ? "—"
      : l.idle
        ? `idle ${ago(quiet)}, environment removed`
        : quiet > QUIET_MS
          ? `idle ${ago(quiet)}`
          : "active";
    row.append(
      el("td", { "data-field": "activity", "data-idle": String(quiet > QUIET_MS) }, activity),
    );
    const current = s.workshop.labs
      .map((lab) => ({ lab, state: l.labs[lab.id] }))
      .find(({ state }) => state?.currentStep);
    const currentText = current
      ? `${current.lab.steps.find((x) => x.id === current.state?.currentStep)?.title ?? ""}` +
        (current.state?.stepSince ? ` · ${ago(now - current.state.stepSince)}` : "")
      : "";
    row.append(el("td", { "data-field": "current" }, currentText));
    for (const lab of s.workshop.labs) {
      for (const step of lab.steps) {
        const cell = l.labs[lab.id]?.cells[step.id];
        const state = cell?.state ?? "todo";
        const title = `${step.title}: ${state}${cell?.attempts ? ` (${cell.attempts} checks)` : ""}${cell?.message ? ` — ${cell.message}` : ""}`;
        const td = el("td", { class: "cell-wrap" });
        td.append(
          el("span", {
            class: "cell",
            "data-step": `${lab.id}/${step.id}`,
            "data-state": state,
            title,
            "aria-label": title,
          }),
        );
        row.append(td);
      }
    }
    const actions = el("td", { class: "dash-actions" });
    const many = s.workshop.labs.length > 1;
    for (const lab of s.workshop.labs) {
      const state = l.labs[lab.id];
      const suffix = many ? ` ${lab.id}` : "";
      if (state?.env === "ready" && state.envId) {
        const watch = el(
          "button",
          { type: "button", class: "btn btn-small", "data-action": "watch", "data-lab": lab.id },
          `Watch${suffix}`,
        );
        watch.addEventListener("click", () => void this.watch(l, lab.id));
        actions.append(watch);
      }
      if (!l.ended && (state?.env === "ready" || state?.env === "failed")) {
        const reset = el(
          "button",
          { type: "button", class: "btn btn-small", "data-action": "reset", "data-lab": lab.id },
          `Reset${suffix}`,
        );
        reset.addEventListener("click", () => {
          if (
            !confirm(
              `Give ${l.name} a fresh ${lab.id} environment? Their progress in it starts over.`,
            )
          )
            return;
          post(`/api/workshop/learners/${l.id}/reset`, { lab: lab.id }).catch(showError);
        });
        actions.append(reset);
      }
    }
    const extend = el(
      "button",
      { type: "button", class: "btn btn-small", "data-action": "extend" },
      "+15 min",
    );
    extend.addEventListener("click", () => {
      post(`/api/workshop/learners/${l.id}/extend`, { by: "15m" }).catch(showError);
    });
    actions.append(extend);
    row.append(actions);
    return row;
  }

  private renderStats(s: DashboardSnapshot): void {
    const body = (root.querySelector(".stats") as HTMLTableElement).tBodies[0];
    const rows = s.stats.map((st) => {
      const tr = el("tr", { "data-step": `${st.labId}/${st.stepId}` });
      tr.append(
        el("td", {}, st.labId),
        el("td", {}, st.title),
        el("td", { "data-field": "attempted" }, String(st.attempted)),
        el("td", { "data-field": "failed" }, String(st.failedChecks)),
        el("td", { "data-field": "passed" }, String(st.passed)),
        el("td", {}, st.medianMsToPass === null ? "—" : ago(st.medianMsToPass)),
      );
      // The step most checks fail on stands out.
      if (st.failedChecks > 0 && st.failedChecks >= Math.max(...s.stats.map((x) => x.failedChecks)))
        tr.dataset.worst = "true";
      return tr;
    });
    body?.replaceChildren(...rows);
  }

  private wireBroadcast(): void {
    const form = root.querySelector(".dash-broadcast") as HTMLFormElement;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const input = form.elements.namedItem("text") as HTMLInputElement;
      const text = input.value.trim();
      if (!text) return;
      post("/api/workshop/broadcast", { text })
        .then(() => (input.value = ""))
        .catch(showError);
    });
  }

  private wireWatch(): void {
    const take = root.querySelector('[data-action="take-control"]') as HTMLButtonElement;
    const give = root.querySelector('[data-action="give-back"]') as HTMLButtonElement;
    const control = (takeIt: boolean) => {
      const w = this.watching;
      if (!w) return;
      post(`/api/workshop/learners/${w.learnerId}/control`, {
        lab: w.labId,
        host: w.host,
        take: takeIt,
      })
        .then(() => w.view.focus())
        .catch(showError);
    };
    take.addEventListener("click", () => control(true));
    give.addEventListener("click", () => control(false));
    root
      .querySelector('[data-action="close-watch"]')
      ?.addEventListener("click", () => this.stopWatching());
  }

  private stopWatching(): void {
    const w = this.watching;
    if (w?.controller === "instructor") {
      // Never leave a learner locked out of their own terminal.
      void post(`/api/workshop/learners/${w.learnerId}/control`, {
        lab: w.labId,
        host: w.host,
        take: false,
      }).catch(() => undefined);
    }
    w?.view.dispose();
    this.watching = undefined;
    this.watchBox.hidden = true;
  }

  private async watch(l: DashboardLearner, labId: string, host?: string): Promise<void> {
    const state = l.labs[labId];
    if (!state?.envId) return;
    this.stopWatching();
    const { TerminalView } = await import("./terminal-view.ts");
    const box = root.querySelector(".watch-terminal") as HTMLElement;
    box.replaceChildren();
    const term = el("div", { class: "term-box" });
    box.append(term);
    this.watchBox.hidden = false;
    const chosen = host ?? state.tabs[0] ?? "workstation";
    const watching: Watching = {
      learnerId: l.id,
      name: l.name,
      labId,
      envId: state.envId,
      host: chosen,
      tabs: state.tabs,
      controller: "learner",
      view: new TerminalView(term, {
        envId: state.envId,
        host: chosen,
        messages: { reconnecting: "reconnecting…", shellExited: "the shell exited" },
        onControl: (c) => this.showMode(c),
      }),
    };
    this.watching = watching;
    field("watch-title").textContent = `Watching ${l.name} · ${labId} · ${chosen}`;
    const tabs = root.querySelector(".watch-tabs") as HTMLElement;
    tabs.replaceChildren(
      ...state.tabs.map((h) => {
        const b = el(
          "button",
          { type: "button", class: "btn btn-small", "aria-pressed": String(h === chosen) },
          h,
        );
        b.addEventListener("click", () => void this.watch(l, labId, h));
        return b;
      }),
    );
    this.watchBox.scrollIntoView({ block: "nearest" });
  }

  private showMode(c: ControlBody): void {
    if (!this.watching) return;
    this.watching.controller = c.controller;
    const mine = c.controller === "instructor";
    field("watch-mode").textContent = mine ? "you are typing (the learner sees it)" : "read-only";
    this.watchBox.dataset.controller = c.controller;
    (root.querySelector('[data-action="take-control"]') as HTMLElement).hidden = mine;
    (root.querySelector('[data-action="give-back"]') as HTMLElement).hidden = !mine;
  }

  /** A watched learner got a new environment (reset): follow it once it is ready. */
  private followWatched(s: DashboardSnapshot): void {
    const w = this.watching;
    if (!w) return;
    const learner = s.learners.find((l) => l.id === w.learnerId);
    const state = learner?.labs[w.labId];
    if (learner && state?.env === "ready" && state.envId && state.envId !== w.envId)
      void this.watch(learner, w.labId, w.host);
  }
}

new Dashboard().start();
