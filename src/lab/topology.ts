// The picture of a lab's environment, computed from lab.yaml (so it always matches what runs):
// one band per network, a box per host with its image, its published ports and its role.
import type { Lab } from "./schema.ts";

export interface HostBox {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  image: string;
  role: "workstation" | "grader" | "dind" | "service";
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
  hosts: HostBox[];
}

const BOX_W = 150;
const BOX_H = 58;
const GAP = 18;
const PAD = 20;
const LABEL_H = 26;
const PER_ROW = 4;

export function layoutTopology(lab: Lab): Topology {
  const entries = Object.entries(lab.hosts);
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
  let y = PAD;
  for (const net of lab.networks) {
    const members = entries.filter(([, h]) => firstNet(h.networks) === net);
    const rows = Math.max(1, Math.ceil(members.length / PER_ROW));
    const height = LABEL_H + rows * BOX_H + (rows - 1) * GAP + PAD;
    networks.push({ name: net, x: PAD, y, width: width - PAD * 2, height });
    members.forEach(([name, h], i) => {
      const role =
        name === lab.workstation
          ? "workstation"
          : name === lab.grader
            ? "grader"
            : h.type === "dind"
              ? "dind"
              : "service";
      hosts.push({
        name,
        x: PAD * 2 + (i % PER_ROW) * (BOX_W + GAP),
        y: y + LABEL_H + Math.floor(i / PER_ROW) * (BOX_H + GAP),
        width: BOX_W,
        height: BOX_H,
        image: h.image,
        role: h.type === "dind" && role === "workstation" ? "dind" : role,
        hidden: h.terminal === false,
        ports: (h.ports ?? []).map((p) => p.container),
        alsoOn: (h.networks ?? []).slice(1),
      });
    });
    y += height + GAP;
  }
  return { width, height: y - GAP + PAD, networks, hosts };
}
