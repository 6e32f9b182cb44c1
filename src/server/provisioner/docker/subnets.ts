// Subnets for environment networks. Docker's default address pools hold only about 30 bridge
// networks (172.17–31.0.0/16 and 192.168.0.0/16 in /20s); a room of learners needs more, so
// each environment network gets a /24 from archlab's own range instead.
import type Docker from "dockerode";

/** 10.213.0.0/16: 256 networks of 254 hosts each, far from common LAN and Docker ranges. */
const RANGE_PREFIX = "10.213";
const NETWORKS_IN_RANGE = 256;

/** The /24s of archlab's range that no existing network uses, in order. */
export function freeSubnets(used: Iterable<string>): string[] {
  const taken = new Set(used);
  const free: string[] = [];
  for (let n = 0; n < NETWORKS_IN_RANGE; n++) {
    const subnet = `${RANGE_PREFIX}.${n}.0/24`;
    if (!taken.has(subnet)) free.push(subnet);
  }
  return free;
}

/** Subnets of every network the engine has. */
async function usedSubnets(docker: Docker): Promise<string[]> {
  const networks = await docker.listNetworks();
  return networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? "").filter(Boolean));
}

/**
 * Creates a bridge network on a free subnet of archlab's range. Another process (or a create
 * running beside this one) may take the same subnet first: the engine then refuses with an
 * overlap error and the next free one is tried.
 */
export async function createEnvNetwork(
  docker: Docker,
  options: { name: string; labels: Record<string, string> },
): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const free = freeSubnets(await usedSubnets(docker));
    // Spread concurrent creates over different candidates.
    const subnet = free[Math.min(free.length - 1, attempt * 3 + Math.floor(Math.random() * 3))];
    if (!subnet) break;
    try {
      await docker.createNetwork({
        Name: options.name,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: options.labels,
        IPAM: { Driver: "default", Config: [{ Subnet: subnet }] },
      });
      return;
    } catch (err) {
      if (!/overlap/i.test((err as Error).message)) throw err;
    }
  }
  throw new Error(
    `no free subnet left in ${RANGE_PREFIX}.0.0/16 for another environment network: remove environments (archlab env reap) or lower the seats`,
  );
}
