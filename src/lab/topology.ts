// The picture of a lab's environment, computed from lab.yaml (so it always matches what runs):
// one band per network, a box per host with its image, its published ports and its role.
import { clusterHostNames, CONTROL_PLANE_HOST } from "./cluster.ts";
import type { Lab } from "./schema.ts";

export interface HostBox {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  image: string;
  role: "workstation" | "grader" | "dind" | "service" | "control-plane" | "node";
  hidden: boolean;
  ports: number[];
  alsoOn: string[];
}

export interface NetworkBand {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Topology {
  width: number;
  height: number;
  networks: NetworkBand[];
  /** A frame around a Kubernetes cluster's control plane and nodes (first rows of its network). */
  cluster?: NetworkBand;
  hosts: HostBox[];
}

const BOX_W = 150;
const BOX_H = 58;
const GAP = 18;
const PAD = 20;
const LABEL_H = 26;
const PER_ROW = 4;

function roleOf(lab: Lab, name: string): HostBox["role"] {
  const host = lab.hosts[name];
  if (name === CONTROL_PLANE_HOST && lab.cluster) return "control-plane";
  if (host?.type === "kube-node") return "node";
  if (host?.type === "dind") return "dind";
  if (name === lab.workstation) return "workstation";
  if (name === lab.grader) return "grader";
  return "service";
}

export function layoutTopology(lab: Lab): Topology {
  const inCluster = new Set(lab.cluster ? clusterHostNames(lab.cluster) : []);
  // Cluster hosts first, so they fill the first rows of their band and can be framed together.
  const entries = Object.entries(lab.hosts).sort(
    ([a], [b]) => Number(inCluster.has(b)) - Number(inCluster.has(a)),
  );
  const firstNet = (networks: string[] | undefined) => networks?.[0] ?? (lab.networks[0] as string);
  const columns = Math.min(
    PER_ROW,
    Math.max(
      1,
      ...lab.networks.map((n) => entries.filter(([, h]) => firstNet(h.networks) === n).length),
    ),
  );
  const width = PAD * 2 + columns * BOX_W + (columns - 1) * GAP + PAD * 2;
  const networks: NetworkBand[] = [];
  const hosts: HostBox[] = [];
  let cluster: NetworkBand | undefined;
  let y = PAD;
  for (const net of lab.networks) {
    const members = entries.filter(([, h]) => firstNet(h.networks) === net);
    const clusterCount = members.filter(([name]) => inCluster.has(name)).length;
    const clusterRows = Math.ceil(clusterCount / PER_ROW);
    // Slot of each member: cluster hosts row by row, then the rest from a fresh row.
    const slot = (i: number) => (i < clusterCount ? i : clusterRows * PER_ROW + (i - clusterCount));
    const lastSlot = members.length ? slot(members.length - 1) : 0;
    const rows = Math.max(1, Math.floor(lastSlot / PER_ROW) + 1);
    const clusterPad = clusterCount ? LABEL_H : 0;
    const height = LABEL_H + clusterPad + rows * BOX_H + (rows - 1) * GAP + PAD;
    networks.push({ name: net, x: PAD, y, width: width - PAD * 2, height });
    const top = y + LABEL_H + clusterPad;
    if (clusterCount) {
      cluster = {
        name: "kubernetes",
        x: PAD + GAP / 2,
        y: y + LABEL_H,
        width: width - PAD * 2 - GAP,
        height: clusterPad + clusterRows * BOX_H + (clusterRows - 1) * GAP + GAP / 2,
      };
    }
    members.forEach(([name, h], i) => {
      const at = slot(i);
      hosts.push({
        name,
        x: PAD * 2 + (at % PER_ROW) * (BOX_W + GAP),
        y: top + Math.floor(at / PER_ROW) * (BOX_H + GAP),
        width: BOX_W,
        height: BOX_H,
        image: h.image,
        role: roleOf(lab, name),
        hidden: h.terminal === false,
        ports: (h.ports ?? []).map((p) => p.container),
        alsoOn: (h.networks ?? []).slice(1),
      });
    });
    y += height + GAP;
  }
  return { width, height: y - GAP + PAD, networks, ...(cluster ? { cluster } : {}), hosts };
}
