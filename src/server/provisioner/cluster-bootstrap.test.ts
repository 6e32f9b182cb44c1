import { describe, expect, it } from "vitest";
import { bootstrapCluster, parseClusterState, type HostExec } from "./cluster-bootstrap.ts";
import { ProvisionError, type ExecResult, type ProgressEvent } from "./types.ts";

const node = (name: string, ready: string) => ({
  metadata: { name },
  status: { conditions: [{ type: "Ready", status: ready }] },
});
const pod = (name: string, phase: string, ready: boolean, waiting?: string) => ({
  metadata: { name },
  status: {
    phase,
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    containerStatuses: waiting ? [{ state: { waiting: { reason: waiting } } }] : [],
  },
});
const list = (items: unknown[]) => JSON.stringify({ items });

describe("parseClusterState", () => {
  it("reads node readiness and why a system pod is not running", () => {
    const state = parseClusterState(
      list([node("node1", "True"), node("node2", "Unknown")]),
      list([pod("kube-dns-1", "Pending", false, "ImagePullBackOff")]),
    );
    expect(state.nodes).toEqual([
      { name: "node1", ready: true },
      { name: "node2", ready: false },
    ]);
    expect(state.pods).toEqual([
      { name: "kube-dns-1", phase: "Pending", ready: false, reason: "ImagePullBackOff" },
    ]);
  });
});

/** A fake cluster: scripted answers per host, recording what was written where. */
function fakeCluster(answer: (host: string, script: string) => string | undefined) {
  const scripts: [string, string][] = [];
  const exec: HostExec = async (host, script) => {
    scripts.push([host, script]);
    const stdout = answer(host, script);
    const result: ExecResult = {
      exitCode: stdout === undefined ? 1 : 0,
      stdout: stdout ?? "",
      stderr: stdout === undefined ? "no such file" : "",
      timedOut: false,
      durationMs: 1,
    };
    return result;
  };
  return { exec, scripts };
}

const spec = (readyTimeoutMs: number) => ({
  controlPlane: "cp",
  nodes: ["node1", "node2"],
  kubeconfigs: [
    { host: "ws", as: "learner" as const },
    { host: "grader", as: "admin" as const },
  ],
  readyTimeoutMs,
});

describe("bootstrapCluster", () => {
  it("hands each node its own kubeconfig and each kubectl host the one it asked for", async () => {
    const { exec, scripts } = fakeCluster((host, script) => {
      const file = /base64 -w0 (\S+)/.exec(script)?.[1];
      if (host === "cp" && file) return Buffer.from(`content of ${file}`).toString("base64");
      if (script.includes("get nodes")) {
        return `${list([node("node1", "True"), node("node2", "True")])}\n---\n${list([pod("dns", "Running", true)])}`;
      }
      return "";
    });
    const events: ProgressEvent[] = [];
    await bootstrapCluster(exec, spec(5000), (e) => events.push(e));
    const written = (host: string) =>
      scripts
        .filter(([h, s]) => h === host && s.includes("base64 -d"))
        .map(([, s]) => s)
        .join("\n");
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    expect(written("node2")).toContain(b64("content of /etc/kubernetes/node-node2.kubeconfig"));
    expect(written("node2")).not.toContain(b64("content of /etc/kubernetes/node-node1.kubeconfig"));
    // kubelet's kubeconfig comes last: the node starts kubelet the moment it appears.
    expect(written("node1").trim().split("\n").at(-1)).toContain("kubelet.kubeconfig");
    expect(written("ws")).toContain(b64("content of /etc/kubernetes/learner.kubeconfig"));
    expect(written("grader")).toContain(b64("content of /etc/kubernetes/admin.kubeconfig"));
    expect(events).toContainEqual({ host: "node2", phase: "ready", detail: "Ready" });
    expect(events.at(-1)).toEqual({
      host: "cp",
      phase: "ready",
      detail: "system pods 1/1 running",
    });
  });

  it("names the node that never became Ready, with its kubelet's last log lines", async () => {
    const { exec } = fakeCluster((host, script) => {
      if (host === "cp" && script.startsWith("base64")) return "eA==";
      if (script.includes("get nodes")) {
        return `${list([node("node1", "True"), node("node2", "False")])}\n---\n${list([])}`;
      }
      if (host === "node2" && script.includes("kubelet.log"))
        return "E1201 failed to run Kubelet\n";
      return "";
    });
    const error = await bootstrapCluster(exec, spec(10), () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).host).toBe("node2 (kubelet)");
    expect((error as ProvisionError).lastLogLines).toEqual(["E1201 failed to run Kubelet"]);
  });
});
