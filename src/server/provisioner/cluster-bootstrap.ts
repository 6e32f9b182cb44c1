// Brings a lab's Kubernetes cluster from "containers ready" to "every node Ready and the system
// pods running": hands each node its kubeconfig (made by the control plane's own PKI, so no
// credential ever sits in an image), gives the kubeconfigs the lab asks for, then follows the
// API until the cluster is whole — reporting progress per component, and on failure naming the
// component with its last log lines. Works through `exec` alone, so any provisioner can use it.
import { ProvisionError, type ClusterSpec, type ExecResult, type ProgressEvent } from "./types.ts";

export type HostExec = (host: string, script: string, timeoutMs?: number) => Promise<ExecResult>;

const LOGS = "/var/log/kubernetes";
const ADMIN = "KUBECONFIG=/etc/kubernetes/admin-local.kubeconfig";
const POLL_MS = 1000;
/** Its supervisor starts it again within a second; then wait until it answers. */
const RESTART_CONTROLLER_MANAGER = `pkill -x kube-controller || true
for i in $(seq 1 100); do
  sleep 0.2
  curl -sfk https://127.0.0.1:10257/healthz >/dev/null && exit 0
done
echo "kube-controller-manager did not come back" >&2; exit 1`;

async function ok(exec: HostExec, host: string, script: string): Promise<string> {
  const result = await exec(host, script, 30_000);
  if (result.exitCode !== 0) {
    throw new Error(
      `\`${script.split("\n")[0]}\` on ${host} failed (exit ${result.exitCode}): ` +
        (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-3).join(" "),
    );
  }
  return result.stdout;
}

/** Writes files (path -> base64 content) in one exec, each atomically, mode 600. */
function writeFilesScript(files: [path: string, base64: string][]): string {
  return files
    .map(([file, b64]) => {
      const dir = file.slice(0, file.lastIndexOf("/"));
      return `mkdir -p ${dir} && printf '%s' '${b64}' | base64 -d > ${file}.tmp && chmod 600 ${file}.tmp && mv ${file}.tmp ${file}`;
    })
    .join("\n");
}

async function readBase64(exec: HostExec, host: string, file: string): Promise<string> {
  return (await ok(exec, host, `base64 -w0 ${file}`)).trim();
}

interface NodeState {
  name: string;
  ready: boolean;
}
interface PodState {
  name: string;
  phase: string;
  ready: boolean;
  reason: string;
}

/** Nodes and kube-system pods as the API sees them (parsed from `kubectl get -o json`). */
export function parseClusterState(
  nodesJson: string,
  podsJson: string,
): { nodes: NodeState[]; pods: PodState[] } {
  type Condition = { type: string; status: string; reason?: string; message?: string };
  const nodes = (
    JSON.parse(nodesJson) as {
      items: { metadata: { name: string }; status?: { conditions?: Condition[] } }[];
    }
  ).items.map((n) => ({
    name: n.metadata.name,
    ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
  }));
  const pods = (
    JSON.parse(podsJson) as {
      items: {
        metadata: { name: string };
        status?: {
          phase?: string;
          conditions?: Condition[];
          containerStatuses?: { state?: Record<string, { reason?: string; message?: string }> }[];
        };
      }[];
    }
  ).items.map((p) => {
    const waiting = (p.status?.containerStatuses ?? [])
      .map((c) => c.state?.waiting ?? c.state?.terminated)
      .find((s) => s !== undefined);
    const unscheduled = (p.status?.conditions ?? []).find(
      (c) => c.type === "PodScheduled" && c.status !== "True",
    );
    return {
      name: p.metadata.name,
      phase: p.status?.phase ?? "Pending",
      ready: (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
      reason: [waiting?.reason, waiting?.message, unscheduled?.message].filter(Boolean).join(": "),
    };
  });
  return { nodes, pods };
}

async function lastLines(exec: HostExec, host: string, file: string): Promise<string[]> {
  const r = await exec(host, `tail -n 12 ${file} 2>/dev/null`, 10_000).catch(() => undefined);
  return (r?.stdout ?? "").split("\n").filter((l) => l.trim());
}

export async function bootstrapCluster(
  exec: HostExec,
  cluster: ClusterSpec,
  onProgress: (e: ProgressEvent) => void,
): Promise<void> {
  const cp = cluster.controlPlane;
  const ca = await readBase64(exec, cp, "/etc/kubernetes/pki/ca.crt");
  const proxy = await readBase64(exec, cp, "/etc/kubernetes/kube-proxy.kubeconfig");
  for (const node of cluster.nodes) {
    const kubelet = await readBase64(exec, cp, `/etc/kubernetes/node-${node}.kubeconfig`);
    // kubelet.kubeconfig last: the node starts kubelet as soon as it appears.
    await ok(
      exec,
      node,
      writeFilesScript([
        ["/etc/kubernetes/pki/ca.crt", ca],
        ["/etc/kubernetes/kube-proxy.kubeconfig", proxy],
        ["/etc/kubernetes/kubelet.kubeconfig", kubelet],
      ]),
    );
    onProgress({ host: node, phase: "waiting", detail: "kubelet registering" });
  }
  for (const { host, as } of cluster.kubeconfigs) {
    const config = await readBase64(exec, cp, `/etc/kubernetes/${as}.kubeconfig`);
    await ok(exec, host, writeFilesScript([["/root/.kube/config", config]]));
  }

  const deadline = Date.now() + cluster.readyTimeoutMs;
  const reported = new Map<string, string>();
  const report = (host: string, phase: ProgressEvent["phase"], detail: string) => {
    if (reported.get(host) === `${phase} ${detail}`) return;
    reported.set(host, `${phase} ${detail}`);
    onProgress({ host, phase, detail });
  };
  report(cp, "waiting", "system pods starting");
  let controllerRestarted = false;
  for (;;) {
    const state = await exec(
      cp,
      `${ADMIN} kubectl get nodes -o json && echo '---' && ${ADMIN} kubectl -n kube-system get pods -o json`,
      20_000,
    );
    const [nodesJson, podsJson] = state.stdout.split("\n---\n");
    const { nodes, pods } =
      state.exitCode === 0 && nodesJson && podsJson
        ? parseClusterState(nodesJson, podsJson)
        : { nodes: [], pods: [] };
    for (const node of cluster.nodes) {
      const found = nodes.find((n) => n.name === node);
      if (found?.ready) report(node, "ready", "Ready");
      else report(node, "waiting", found ? "registered, not Ready yet" : "kubelet registering");
    }
    const nodesReady = cluster.nodes.every((n) => nodes.some((x) => x.name === n && x.ready));
    const podsReady = pods.length > 0 && pods.every((p) => p.phase === "Running" && p.ready);
    if (nodesReady && !controllerRestarted) {
      // A controller-manager that saw every node NotReady at its start ("master disruption
      // mode") never taints a node that fails later, so its pods are never evicted (measured
      // here: none in 5 minutes). One started while the nodes are Ready evicts in ~30 s.
      await ok(exec, cp, RESTART_CONTROLLER_MANAGER);
      controllerRestarted = true;
    }
    if (nodesReady) {
      const running = pods.filter((p) => p.phase === "Running" && p.ready).length;
      report(cp, podsReady ? "ready" : "waiting", `system pods ${running}/${pods.length} running`);
    }
    if (nodesReady && podsReady) return;
    if (Date.now() > deadline) throw await failure(exec, cluster, nodes, pods);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Names what kept the cluster from coming up, with that component's last log lines. */
async function failure(
  exec: HostExec,
  cluster: ClusterSpec,
  nodes: NodeState[],
  pods: PodState[],
): Promise<ProvisionError> {
  const seconds = Math.round(cluster.readyTimeoutMs / 1000);
  const cp = cluster.controlPlane;
  if (nodes.length === 0) {
    return new ProvisionError(
      `${cp} (kube-apiserver)`,
      `the API server did not list nodes within ${seconds} s`,
      await lastLines(exec, cp, `${LOGS}/kube-apiserver.log`),
    );
  }
  const notReady = cluster.nodes.find((n) => !nodes.some((x) => x.name === n && x.ready));
  if (notReady) {
    return new ProvisionError(
      `${notReady} (kubelet)`,
      `node ${notReady} was not Ready within ${seconds} s`,
      await lastLines(exec, notReady, `${LOGS}/kubelet.log`),
    );
  }
  const pod = pods.find((p) => !(p.phase === "Running" && p.ready));
  const events = await exec(
    cp,
    `${ADMIN} kubectl -n kube-system get events --sort-by=.lastTimestamp | tail -n 12`,
    10_000,
  );
  return new ProvisionError(
    `${cp} (system pods)`,
    pod
      ? `system pod kube-system/${pod.name} is ${pod.phase}${pod.reason ? ` (${pod.reason})` : ""} after ${seconds} s`
      : `no system pods appeared within ${seconds} s`,
    events.stdout.split("\n").filter((l) => l.trim()),
  );
}
