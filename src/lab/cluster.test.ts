import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LabError, parseLab } from "./loader.ts";
import { layoutTopology } from "./topology.ts";

const root = mkdtempSync(path.join(tmpdir(), "archlab-cluster-"));
const file = path.join(root, "k8s", "lab.yaml");
mkdirSync(path.dirname(file), { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const STEPS = `
workstation: ws
grader: grader
steps:
  - id: one
    title: One
    check: "kubectl get nodes"
    solve: "true"
    wrong: [{ name: w, script: "true" }]
`;

function labText(
  cluster: string,
  hosts = "  ws: { image: kube-workstation }\n  grader: { image: kube-workstation, terminal: false }\n",
) {
  return `format: 1\nid: k8s\ntitle: K8s\n${cluster}\nhosts:\n${hosts}${STEPS}`;
}

function problems(text: string): string[] {
  try {
    parseLab(text, file);
  } catch (err) {
    if (err instanceof LabError)
      return err.problems.map((p) => `${p.line}:${p.field}: ${p.message}`);
    throw err;
  }
  throw new Error("expected a LabError");
}

describe("cluster:", () => {
  it("adds the control plane and the nodes as hosts, nodes with the node host type", () => {
    const { lab } = parseLab(
      labText("cluster:\n  nodes: 3\n  kubectl: { ws: learner, grader: admin }"),
      file,
    );
    expect(Object.keys(lab.hosts).sort()).toEqual(
      ["cp", "grader", "node1", "node2", "node3", "ws"].sort(),
    );
    expect(lab.hosts.cp?.image).toBe("kube-control-plane");
    expect(lab.hosts.cp?.terminal).toBe(false);
    expect(lab.hosts.node2?.type).toBe("kube-node");
    expect(lab.hosts.node2?.env.KUBE_NODES).toBe("node1 node2 node3");
    expect(lab.hosts.node1?.memory).toBe("1536m");
    expect(lab.hosts.node1?.user).toBe("learner");
  });

  it("lets scripts and tabs name the cluster's hosts", () => {
    const text = labText("cluster: { nodes: 2 }").replace(
      'solve: "true"',
      'solve: { host: node2, run: "kubelet-ctl stop" }',
    );
    const { steps } = parseLab(`${text}tabs: [node2]\n`, file);
    expect(steps[0]?.solve.host).toBe("node2");
  });

  it("refuses a hand-written host that takes a cluster host's name, at its line", () => {
    const text = labText(
      "cluster: { nodes: 2 }",
      "  ws: { image: kube-workstation }\n  grader: { image: kube-workstation }\n  node2: { image: workstation }\n",
    );
    expect(problems(text)).toEqual([
      expect.stringMatching(/^8:hosts\.node2: "node2" is a host of the cluster .*rename this host/),
    ]);
  });

  it("refuses a kubeconfig for a host that does not exist, and too many nodes", () => {
    expect(problems(labText("cluster:\n  nodes: 2\n  kubectl: { wss: learner }"))).toEqual([
      expect.stringMatching(/cluster\.kubectl\.wss: no host "wss" to give a kubeconfig/),
    ]);
    expect(problems(labText("cluster: { nodes: 7 }"))).toEqual([
      expect.stringMatching(/cluster\.nodes: at most 3 nodes/),
    ]);
  });

  it("refuses a kube-node written by hand", () => {
    const text = labText(
      "",
      "  ws: { image: kube-node, type: kube-node }\n  grader: { image: workstation }\n",
    );
    expect(problems(text)).toEqual([
      expect.stringMatching(/hosts\.ws\.type: kube-node hosts are made by a `cluster:` block/),
    ]);
  });

  it("frames the cluster's hosts together in the topology, roles named", () => {
    const { lab } = parseLab(labText("cluster: { nodes: 2 }"), file);
    const topo = layoutTopology(lab);
    const frame = topo.cluster;
    expect(frame).toBeDefined();
    const inFrame = topo.hosts.filter(
      (h) => frame && h.y >= frame.y && h.y + h.height <= frame.y + frame.height,
    );
    expect(inFrame.map((h) => h.name).sort()).toEqual(["cp", "node1", "node2"]);
    expect(topo.hosts.find((h) => h.name === "cp")?.role).toBe("control-plane");
    expect(topo.hosts.find((h) => h.name === "node1")?.role).toBe("node");
    expect(topo.hosts.find((h) => h.name === "ws")?.role).toBe("workstation");
  });
});
