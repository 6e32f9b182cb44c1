// Step setups in the browser (imported scenarios' backgrounds, native labs' setups): which run
// when, once each, and checks wait for them.
import { describe, expect, it } from "vitest";
import type { LoadedLab, ResolvedStep, Script } from "../../lab/loader.ts";
import { StepBackgrounds } from "./step-backgrounds.ts";

const script = (source: string): Script => ({
  host: "host01",
  source,
  timeoutMs: 1000,
  origin: source,
});
function step(id: string, opts: { setup?: string; ungraded?: boolean } = {}): ResolvedStep {
  return {
    id,
    title: id,
    hints: [],
    ...(opts.setup ? { setup: script(opts.setup) } : {}),
    check: script("true"),
    solve: script("true"),
    wrong: [],
    ungraded: opts.ungraded ?? false,
    noSolve: false,
  };
}
function lab(imported: boolean, steps: ResolvedStep[]): LoadedLab {
  return {
    lab: {
      id: "x",
      ...(imported ? { imported: { format: "killercoda", source: ".", lang: "en" } } : {}),
    },
    steps,
  } as unknown as LoadedLab;
}

describe("StepBackgrounds", () => {
  it("opens steps in Killercoda's order, each once, and checks wait for them", async () => {
    const ran: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const bg = new StepBackgrounds(async (_env, s) => {
      ran.push(s.origin);
      if (s.origin === "three") await gate;
    });
    const l = lab(true, [
      step("s1", { setup: "one" }),
      step("s2", { setup: "two", ungraded: true }),
      step("s3", { setup: "three" }),
      step("s4", { setup: "four" }),
    ]);
    bg.ready("e1", l);
    await bg.settled("e1");
    expect(ran).toEqual(["one"]);
    // s1 passes: s2 (a reading step) opens, and with it s3.
    bg.passed("e1", l, 0);
    let settled = false;
    const wait = bg.settled("e1").then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual(["one", "two", "three"]);
    expect(settled).toBe(false); // a check waits for three to finish
    release();
    await wait;
    bg.passed("e1", l, 0); // checking s1 again runs nothing again
    await bg.settled("e1");
    expect(ran).toEqual(["one", "two", "three"]);
    // Its output goes to a log on the host.
    expect(ran.length).toBe(3);
  });

  it("writes each script's output to a log: an imported step's background as Killercoda does", async () => {
    const sources: string[] = [];
    const bg = new StepBackgrounds(async (_env, s) => void sources.push(s.source));
    bg.ready("e1", lab(true, [step("s1", { setup: "echo hi" })]));
    await bg.settled("e1");
    expect(sources[0]).toContain("echo hi\n} > /var/log/killercoda/s1-background.log 2>&1");
  });

  it("runs a native lab's setups step by step, each once per environment (a marker on the host)", async () => {
    const sources: string[] = [];
    const bg = new StepBackgrounds(async (_env, s) => void sources.push(s.source));
    const l = lab(false, [
      step("deploy", { setup: "kubectl apply -f mesh" }),
      step("split"),
      step("retries", { setup: "echo per-pod" }),
    ]);
    bg.ready("e2", l);
    await bg.settled("e2");
    expect(sources).toHaveLength(1);
    expect(sources[0]).toContain("[ -e /var/log/archlab/deploy-setup.done ] && exit 0");
    expect(sources[0]).toContain("<<'ARCHLAB_SETUP'\nkubectl apply -f mesh\nARCHLAB_SETUP\n");
    expect(sources[0]).toContain(
      "bash /var/log/archlab/deploy-setup.sh > /var/log/archlab/deploy-setup.log 2>&1 && touch /var/log/archlab/deploy-setup.done",
    );
    bg.passed("e2", l, 0); // opens split: no setup
    bg.passed("e2", l, 1); // opens retries
    await bg.settled("e2");
    expect(sources).toHaveLength(2);
    expect(sources[1]).toContain("echo per-pod");
  });
});
