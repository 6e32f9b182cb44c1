// Step setups in the browser, run when their step opens: the first steps when the environment
// is ready, the next ones when the step before passes its check (a reading step opens the one
// after it at once), as Killercoda runs its background scripts. A check waits until what was
// started for its environment has finished.
// - Imported scenarios: each background.sh, its output in
//   /var/log/killercoda/<step>-background.log on its host, where an author can read it.
// - Native labs: each step's `setup` (what `archlab verify` runs before the step), its output in
//   /var/log/archlab/<step>-setup.log. It runs once per environment, whatever this process
//   remembers: a marker file on the host makes a second run a no-op, so a server restart or an
//   engine restart that reports the environment ready again does not set the step up again
//   over the learner's work (a setup may deploy the step's starting state).
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
    const imported = lab.lab.imported !== undefined;
    const done = this.opened.get(envId) ?? new Set<number>();
    this.opened.set(envId, done);
    const scripts: Script[] = [];
    for (let i = from; i < lab.steps.length; i++) {
      const step = lab.steps[i];
      if (!step) break;
      if (!done.has(i)) {
        done.add(i);
        if (step.setup)
          scripts.push(imported ? logged(step.id, step.setup) : once(step.id, step.setup));
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

function once(stepId: string, script: Script): Script {
  const base = `/var/log/archlab/${stepId}-setup`;
  // Written to a file and run by its own bash, so the setup behaves as under verify (`set -e`
  // included, which an `&&` list around it would switch off); the file stays to read.
  return {
    ...script,
    source:
      `mkdir -p /var/log/archlab\n[ -e ${base}.done ] && exit 0\n` +
      `cat > ${base}.sh <<'ARCHLAB_SETUP'\n${script.source}\nARCHLAB_SETUP\n` +
      `bash ${base}.sh > ${base}.log 2>&1 && touch ${base}.done\n`,
  };
}
