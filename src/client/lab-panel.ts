// The lesson page's lab controller: starts/resets the learner's environment with per-host
// progress, opens one terminal tab per host (xterm.js is loaded only then), runs code blocks in
// the active terminal, and drives the steps: Check, hints, progress that survives reloads.
import type {
  CheckResponse as CheckResult,
  EnvStatus,
  ProgressResponse,
} from "../protocol/lab-api.ts";
import { api, ApiError, ENGINE_WAIT_EVENT, serverAvailable } from "./api.ts";
import type { TerminalView } from "./terminal-view.ts";

type Strings = Record<string, string>;

const POLL_MS = 700;

class LabPanel {
  private readonly labId: string;
  private readonly ui: Strings;
  /** The page's language: checks answer in it. */
  private readonly lang: string;
  private readonly status: HTMLElement;
  private readonly hostList: HTMLElement;
  private readonly tabBar: HTMLElement;
  private readonly terminals: HTMLElement;
  private views = new Map<string, TerminalView>();
  private active: string | undefined;
  private envId: string | undefined;
  private polling = false;

  constructor(private readonly panel: HTMLElement) {
    this.labId = panel.dataset.lab as string;
    this.ui = JSON.parse(panel.dataset.ui ?? "{}") as Strings;
    this.lang = panel.dataset.lang === "zh" ? "zh" : "en";
    this.status = panel.querySelector(".lab-status") as HTMLElement;
    this.hostList = panel.querySelector(".lab-hosts") as HTMLElement;
    this.tabBar = panel.querySelector(".lab-tabs") as HTMLElement;
    this.terminals = panel.querySelector(".lab-terminals") as HTMLElement;
  }

  async init(): Promise<void> {
    document
      .querySelectorAll<HTMLButtonElement>('[data-action="start-lab"]')
      .forEach((b) => b.addEventListener("click", () => void this.start()));
    this.panel
      .querySelector('[data-action="reset-lab"]')
      ?.addEventListener("click", () => void this.reset());
    this.enhanceCodeBlocks();
    this.wireSteps();
    if (!(await serverAvailable())) {
      this.say(this.ui.noServer as string, "error");
      this.panel.classList.add("no-server");
      return;
    }
    // The Docker engine is restarting: every call waits and tries again; say so meanwhile (the
    // answer that finally comes replaces this line).
    window.addEventListener(ENGINE_WAIT_EVENT, (e) => {
      const { waiting } = (e as CustomEvent<{ waiting: boolean }>).detail;
      if (waiting) this.say(this.ui.engineRetrying as string, "info");
      else if (this.status.textContent === this.ui.engineRetrying)
        this.say(this.panel.dataset.state === "ready" ? (this.ui.ready as string) : "");
    });
    // A workshop's instructor reset this learner's environment, or it went idle.
    window.addEventListener("archlab:env-changed", (e) => {
      const detail = (e as CustomEvent<{ labId: string; reason: string }>).detail;
      if (detail.labId === this.labId) void this.refresh(detail.reason);
    });
    try {
      await this.loadProgress();
      const env = await api<EnvStatus>("GET", `/api/labs/${this.labId}/env`);
      this.render(env);
      if (env.state === "starting") void this.poll();
    } catch (err) {
      this.say((err as Error).message, "error");
    }
  }

  private async refresh(reason: string): Promise<void> {
    this.closeTerminals();
    if (reason === "reset")
      document.querySelectorAll(".step").forEach((s) => this.markStep(s as HTMLElement, false));
    await this.poll();
    const note = reason === "reset" ? this.ui.workshopEnvReset : this.ui.workshopEnvIdle;
    if (this.panel.dataset.state !== "failed") this.say(note as string, "info");
  }

  /** Tells the learner when an instructor has their keyboard. */
  private showControl(controller: string): void {
    const box = this.panel.querySelector<HTMLElement>(".lab-control");
    if (!box) return;
    const was = box.dataset.controller;
    box.dataset.controller = controller;
    if (controller === "instructor") {
      box.textContent = this.ui.instructorTyping as string;
      box.hidden = false;
    } else if (was === "instructor") {
      box.textContent = this.ui.controlBack as string;
      setTimeout(() => {
        if (box.dataset.controller === "learner") box.hidden = true;
      }, 4000);
    }
  }

  private say(text: string, kind: "info" | "error" | "ok" = "info"): void {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }

  private async start(): Promise<void> {
    try {
      this.render(await api<EnvStatus>("POST", `/api/labs/${this.labId}/env`));
      void this.poll();
    } catch (err) {
      this.say((err as Error).message, "error");
    }
  }

  private async reset(): Promise<void> {
    if (!confirm(this.ui.confirmReset)) return;
    this.closeTerminals();
    document.querySelectorAll(".step").forEach((s) => this.markStep(s as HTMLElement, false));
    this.render(await api<EnvStatus>("POST", `/api/labs/${this.labId}/env/reset`));
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (;;) {
        let env: EnvStatus;
        try {
          env = await api<EnvStatus>("GET", `/api/labs/${this.labId}/env`);
        } catch (err) {
          // A busy or restarting server must not freeze the panel on "starting": say so and ask
          // again; an answer the server meant (a 4xx) ends the wait.
          const final = err instanceof ApiError && err.status >= 400 && err.status < 500;
          this.say(final ? (err as Error).message : `${(err as Error).message} …`, "error");
          if (final) break;
          await new Promise((r) => setTimeout(r, POLL_MS * 4));
          continue;
        }
        this.render(env);
        if (env.state !== "starting") break;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    } finally {
      this.polling = false;
    }
  }

  private render(env: EnvStatus): void {
    this.panel.dataset.state = env.state;
    const phaseText = (p: string) => this.ui[`host${p[0]?.toUpperCase()}${p.slice(1)}`] ?? p;
    this.hostList.replaceChildren(
      ...env.hosts.map((h) => {
        const li = document.createElement("li");
        li.dataset.phase = h.phase;
        // Cluster hosts add what they wait for ("kubelet registering", "system pods 0/1 running").
        const detail = h.detail && h.phase !== "failed" ? ` — ${h.detail}` : "";
        li.textContent = `${h.name}: ${phaseText(h.phase)}${detail}`;
        return li;
      }),
    );
    if (env.state === "none") this.say("");
    if (env.state === "starting") this.say(this.ui.starting as string);
    if (env.state === "failed") {
      this.say(`${this.ui.failed}: ${env.error?.message ?? ""}\n${env.error?.hint ?? ""}`, "error");
    }
    if (env.state === "ready" && env.envId) {
      this.say(this.ui.ready as string, "ok");
      if (this.envId !== env.envId) {
        this.closeTerminals();
        this.envId = env.envId;
        void this.openTerminals(env.envId, env.tabs);
      }
    }
  }

  private closeTerminals(): void {
    for (const v of this.views.values()) v.dispose();
    this.views.clear();
    this.tabBar.replaceChildren();
    this.terminals.replaceChildren();
    this.envId = undefined;
  }

  private async openTerminals(envId: string, tabs: string[]): Promise<void> {
    // xterm.js arrives only now, when a lab actually runs.
    const { TerminalView } = await import("./terminal-view.ts");
    for (const host of tabs) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.role = "tab";
      tab.textContent = host;
      tab.dataset.host = host;
      tab.addEventListener("click", () => this.activate(host));
      this.tabBar.append(tab);
      const box = document.createElement("div");
      box.className = "term-box";
      box.dataset.host = host;
      box.role = "tabpanel";
      this.terminals.append(box);
      const view = new TerminalView(box, {
        envId,
        host,
        messages: {
          reconnecting: this.ui.reconnecting as string,
          shellExited: this.ui.shellExited as string,
          newShell: this.ui.newShell as string,
        },
        onControl: (c) => this.showControl(c.controller),
      });
      this.views.set(host, view);
      if (this.active === undefined || !tabs.includes(this.active)) this.active = host;
    }
    this.activate(this.active ?? (tabs[0] as string));
  }

  private activate(host: string): void {
    this.active = host;
    for (const tab of this.tabBar.querySelectorAll<HTMLElement>("[data-host]")) {
      tab.setAttribute("aria-selected", String(tab.dataset.host === host));
    }
    for (const box of this.terminals.querySelectorAll<HTMLElement>(".term-box")) {
      box.hidden = box.dataset.host !== host;
    }
    this.views.get(host)?.focus();
  }

  /** Types a block into its host's terminal (the block's `host=`), else the one that is open. */
  private runInTerminal(command: string, host?: string, interrupt = false): void {
    if (host && this.views.size > 0) {
      if (!this.views.has(host)) {
        this.say((this.ui.noSuchTab as string).replace("{host}", host), "error");
        return;
      }
      this.activate(host);
    }
    const view = this.active ? this.views.get(this.active) : undefined;
    if (!view) {
      this.say(this.ui.startFirst as string, "error");
      return;
    }
    // Every line as written: blank lines and comments may belong to a heredoc (a Dockerfile).
    const type = () => {
      for (const line of command.replace(/\s+$/, "").split("\n")) view.run(line);
    };
    if (!interrupt) return type();
    // Ctrl+C first (```bash interrupt), then the command once the shell is back.
    view.interrupt();
    setTimeout(type, 300);
  }

  /** Run and Copy buttons on every shell code block of the lesson. */
  private enhanceCodeBlocks(): void {
    document
      .querySelectorAll<HTMLPreElement>(
        '.lesson-body pre[data-language="bash"], .lesson-body pre[data-language="sh"]',
      )
      .forEach((pre) => {
        const bar = document.createElement("div");
        bar.className = "code-actions";
        const command = () =>
          (pre.querySelector("code")?.textContent ?? pre.textContent ?? "").trim();
        const run = document.createElement("button");
        run.type = "button";
        run.className = "btn btn-small";
        run.dataset.action = "run";
        const host = pre.dataset.host;
        run.textContent = `▶ ${host ? (this.ui.runOn as string).replace("{host}", host) : this.ui.run}`;
        if (host) run.dataset.host = host;
        const interrupt = pre.dataset.interrupt !== undefined;
        run.addEventListener("click", () => this.runInTerminal(command(), host, interrupt));
        const copy = document.createElement("button");
        copy.type = "button";
        copy.className = "btn btn-small";
        copy.dataset.action = "copy";
        copy.textContent = this.ui.copy as string;
        copy.addEventListener("click", () => {
          void navigator.clipboard?.writeText(command()).then(() => {
            copy.textContent = this.ui.copied as string;
            setTimeout(() => (copy.textContent = this.ui.copy as string), 1500);
          });
        });
        bar.append(run, copy);
        pre.before(bar);
      });
  }

  private wireSteps(): void {
    document.querySelectorAll<HTMLElement>(".step").forEach((step) => {
      step
        .querySelector('[data-action="check"]')
        ?.addEventListener("click", () => void this.check(step));
      const hintButton = step.querySelector<HTMLButtonElement>('[data-action="hint"]');
      hintButton?.addEventListener("click", () => {
        const next = step.querySelector<HTMLElement>(".step-hints li[hidden]");
        if (next) next.hidden = false;
        if (!step.querySelector(".step-hints li[hidden]")) hintButton.disabled = true;
        else hintButton.textContent = this.ui.moreHint as string;
      });
    });
  }

  private markStep(step: HTMLElement, done: boolean): void {
    step.classList.toggle("done", done);
    const badge = step.querySelector<HTMLElement>(".step-done");
    if (badge) badge.hidden = !done;
  }

  private async loadProgress(): Promise<void> {
    const { steps } = await api<ProgressResponse>("GET", `/api/labs/${this.labId}/progress`);
    for (const s of steps) {
      const el = document.querySelector<HTMLElement>(`.step[data-step="${s.stepId}"]`);
      if (el && s.passed) this.markStep(el, true);
    }
  }

  private async check(step: HTMLElement): Promise<void> {
    const result = step.querySelector<HTMLElement>(".step-result") as HTMLElement;
    const button = step.querySelector<HTMLButtonElement>(
      '[data-action="check"]',
    ) as HTMLButtonElement;
    button.disabled = true;
    result.hidden = false;
    result.dataset.kind = "info";
    result.textContent = this.ui.checking as string;
    try {
      const r = await api<CheckResult>(
        "POST",
        `/api/labs/${this.labId}/steps/${step.dataset.step}/check?lang=${this.lang}`,
      );
      result.dataset.kind = r.passed ? "ok" : "error";
      const head = document.createElement("p");
      head.className = "result-head";
      head.textContent = `${r.passed ? "✔" : "✘"} ${r.passed ? this.ui.passed : this.ui.notYet}: ${r.message}`;
      const parts: HTMLElement[] = [head];
      if (r.expected !== undefined || r.actual !== undefined) {
        const grid = document.createElement("div");
        grid.className = "expected-actual";
        for (const [label, value] of [
          [this.ui.expected, r.expected],
          [this.ui.actual, r.actual],
        ] as const) {
          const cell = document.createElement("div");
          const name = document.createElement("strong");
          name.textContent = label ?? "";
          const code = document.createElement("code");
          code.textContent = value ?? "";
          cell.append(name, code);
          grid.append(cell);
        }
        parts.push(grid);
      }
      result.replaceChildren(...parts);
      if (r.passed) this.markStep(step, true);
    } catch (err) {
      result.dataset.kind = "error";
      result.textContent =
        err instanceof ApiError && err.code === "no-environment"
          ? (this.ui.startFirst as string)
          : (err as Error).message;
    } finally {
      button.disabled = false;
    }
  }
}

const panel = document.getElementById("lab-panel");
if (panel) void new LabPanel(panel).init();
