// A learner cannot reach the machine (issue 10). From the terminal of every host of every lab
// that has one, the isolation probe (isolation-probe.ts) tries what a curious learner would; every
// attempt must fail, and a failure names each attempt that succeeded. The Kubernetes lab's
// terminals are probed in cluster.test.ts, on the cluster that test already runs: a cluster of
// its own here cost 4-6 minutes of CI.
import { afterAll, beforeAll, describe, it } from "vitest";
import { loadLabById } from "../../src/lab/catalog.ts";
import { processOwner } from "../../src/server/provisioner/owner.ts";
import { envSpecFromLab } from "../../src/server/provisioner/spec.ts";
import { engine, labsLongestFirst, machineSlots } from "./helpers.ts";
import { startIsolationProbe, terminalHosts, type IsolationProbe } from "./isolation-probe.ts";

const machine = engine();
let probe: IsolationProbe;

beforeAll(async () => {
  probe = await startIsolationProbe(machine);
}, 120_000);

afterAll(async () => {
  await probe?.close();
});

// Two environments probed at once: a probe mostly waits on its shell.
const slots = machineSlots(2);
const labs = labsLongestFirst().filter((id) => !loadLabById(id).lab.cluster);

describe.concurrent("from the learner's terminal, nothing of the machine is reachable", () => {
  for (const labId of labs) {
    const envSpec = envSpecFromLab(loadLabById(labId).lab, {
      learner: "curious",
      owner: processOwner(),
      ttlMs: 60 * 60_000,
    });
    const terminals = terminalHosts(envSpec);

    it(`${labId}: ${terminals.map((h) => h.name).join(", ")}`, async () => {
      await slots(1, async () => {
        const env = await machine.provisioner.create(envSpec);
        try {
          await probe.probeTerminals(env, terminals);
        } finally {
          await machine.provisioner.destroy(env.id).catch(() => undefined);
        }
      });
    }, 900_000);
  }
});
