// The background scripts of imported scenarios, run when their step opens, as Killercoda does:
// the first steps when the environment is ready, the next ones when the step before passes its
// check (a reading step opens the one after it at once). A check waits until what was started
// for its environment has finished. Each script's output goes to
// /var/log/killercoda/<step>-background.log on its host, where an author can read it.
// Native labs are untouched: their `setup` runs only under `archlab verify`.
import type { LoadedLab, Script } from "../../lab/loader.ts";

export type RunScript = (envId: string, script: Script) => Promise<unknown>;

export class StepBackgrounds {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly opened = new Map<string, Set<number>>();

  constructor(private readonly run: RunScript) {}

  /** The environment is ready: open its first steps. */
  ready(envId: string, lab: LoadedLab): void {
    this.opened.delete(envId);
    this.open(envId, lab, 0);
  }

  /** Step `index` passed its check: open the steps after it. */
  passed(envId: string, lab: LoadedLab, index: number): void {
    this.open(envId, lab, index + 1);
  }

  /** Resolves once every background started for the environment has finished. */
  async settled(envId: string): Promise<void> {
    await this.chains.get(envId);
  }

  forget(envId: string): void {
    this.chains.delete(envId);
    this.opened.delete(envId);
  }

  /** Opens steps from `from` through the next graded one; each step's script runs once. */
  private open(envId: string, lab: LoadedLab, from: number): void {
    if (!lab.lab.imported) return;
    const done = this.opened.get(envId) ?? new Set<number>();
    this.opened.set(envId, done);
    const scripts: Script[] = [];
    for (let i = from; i < lab.steps.length; i++) {
      const step = lab.steps[i];
      if (!step) break;
      if (!done.has(i)) {
        done.add(i);
        if (step.setup) scripts.push(logged(step.id, step.setup));
      }
      if (!step.ungraded) break;
    }
    if (scripts.length === 0) return;
    const chain = (this.chains.get(envId) ?? Promise.resolve()).then(async () => {
      for (const script of scripts) await this.run(envId, script).catch(() => undefined);
    });
    this.chains.set(envId, chain);
  }
}

function logged(stepId: string, script: Script): Script {
  const log = `/var/log/killercoda/${stepId}-background.log`;
  return {
    ...script,
    source: `mkdir -p /var/log/killercoda\n{\n${script.source}\n} > ${log} 2>&1\n`,
  };
}
