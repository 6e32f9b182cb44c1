// A lab's `cluster:` block becomes ordinary hosts: the control plane `cp` and the nodes
// node1..nodeN, with the images, limits and readiness a Kubernetes 1.20 cluster needs here.
// Everything downstream (the provisioner, verify, the topology, script host names) then sees
// them as hosts; the cluster's own bring-up (kubeconfigs, nodes Ready, system pods) is the
// provisioner's cluster bootstrap.
import type { Cluster, Host, Lab } from "./schema.ts";

export const CONTROL_PLANE_HOST = "cp";
export const CONTROL_PLANE_IMAGE = "kube-control-plane";
export const NODE_IMAGE = "kube-node";

export function nodeNames(cluster: Cluster): string[] {
  if (cluster.nodeNames?.length === cluster.nodes) return cluster.nodeNames;
  return Array.from({ length: cluster.nodes }, (_, i) => `node${i + 1}`);
}

export function clusterHostNames(cluster: Cluster): string[] {
  return [CONTROL_PLANE_HOST, ...nodeNames(cluster)];
}

/** The hosts a cluster adds, in the order they come up. */
export function clusterHosts(cluster: Cluster, network: string): Record<string, Host> {
  const env = { KUBE_NODES: nodeNames(cluster).join(" ") };
  const nodeEnv = { ...env, KUBE_PRELOAD: cluster.images.join(" ") };
  const readyWithin = cluster.readyTimeoutSeconds ?? 600;
  const hosts: Record<string, Host> = {
    [CONTROL_PLANE_HOST]: {
      image: CONTROL_PLANE_IMAGE,
      type: "container",
      env,
      networks: [network],
      ports: [],
      memory: cluster.controlPlaneMemory,
      cpus: 1,
      pids: 1024,
      capAdd: [],
      // The main process touches this once the API answers and the add-ons are applied.
      ready: { command: "test -e /run/kube-addons", timeoutSeconds: readyWithin },
      terminal: false,
    },
  };
  for (const node of nodeNames(cluster)) {
    hosts[node] = {
      image: NODE_IMAGE,
      type: "kube-node",
      env: nodeEnv,
      networks: [network],
      ports: [],
      memory: cluster.nodeMemory,
      cpus: 1,
      pids: 2048,
      capAdd: [],
      // The node's engine is up; kubelet starts once the lab server hands over its kubeconfig.
      ready: { command: "test -e /run/kube-node-engine", timeoutSeconds: readyWithin },
      terminal: true,
      // No root shell on a node: its one root power is `sudo kubelet-ctl` (see the image).
      user: "learner",
    };
  }
  return hosts;
}

export interface ClusterProblem {
  path: (string | number)[];
  message: string;
}

/** What is wrong with a lab's cluster declaration (before expansion). */
export function clusterProblems(lab: Lab): ClusterProblem[] {
  const out: ClusterProblem[] = [];
  for (const [name, host] of Object.entries(lab.hosts)) {
    if (host.type === "kube-node") {
      out.push({
        path: ["hosts", name, "type"],
        message: "kube-node hosts are made by a `cluster:` block; declare `cluster: {nodes: 2}`",
      });
    }
  }
  if (!lab.cluster) return out;
  const taken = clusterHostNames(lab.cluster).filter((n) => n in lab.hosts);
  for (const name of taken) {
    out.push({
      path: ["hosts", name],
      message: `"${name}" is a host of the cluster (cp, node1..node${lab.cluster.nodes}); rename this host`,
    });
  }
  for (const host of Object.keys(lab.cluster.kubectl)) {
    if (!(host in lab.hosts)) {
      out.push({
        path: ["cluster", "kubectl", host],
        message: `no host "${host}" to give a kubeconfig; declared hosts: ${Object.keys(lab.hosts).join(", ")}`,
      });
    }
  }
  return out;
}

/** The lab with its cluster's hosts added (the lab itself when it has no cluster). */
export function withClusterHosts(lab: Lab): Lab {
  if (!lab.cluster) return lab;
  return {
    ...lab,
    hosts: { ...clusterHosts(lab.cluster, lab.networks[0] as string), ...lab.hosts },
  };
}
