// The VXLAN backend's plan (like flannel's vxlan backend), pure: each node announces its VTEP MAC
// and public address in Node annotations; every other node with both gets an FDB entry (MAC →
// public IP), a permanent neighbour (its gateway, the network address of its pod CIDR → MAC) and
// a route for its pod CIDR via that gateway on the vxlan device.
import { createHash } from "node:crypto";
import type { Node } from "kubernetes-types/core/v1.js";

export const vtepMacAnnotation = "skiff.io/vxlan-vtep-mac";
export const publicIPAnnotation = "skiff.io/public-ip";
export const vxlanDevice = "skiff.vxlan";
export const vxlanVni = 1;
/** Linux's and flannel's VXLAN port. */
export const vxlanPort = 8472;
/** 1500 minus the 50 bytes of outer IPv4, UDP and VXLAN headers. */
export const vxlanMtu = 1450;

export interface VxlanPeer {
  node: string;
  podCidr: string;
  /** The network address of the peer's pod CIDR, held by its vxlan device. */
  gateway: string;
  mac: string;
  publicIP: string;
}

/** A stable, locally administered unicast MAC for a node's VTEP (survives agent restarts). */
export function vtepMac(nodeName: string): string {
  const h = createHash("sha256").update(`skiff-vtep:${nodeName}`).digest();
  const bytes = [0x0a, ...h.subarray(0, 5)];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** The first address of an IPv4 CIDR ("10.1.2.0/24" → "10.1.2.0"). */
export function networkAddress(cidr: string): string {
  const [addr = "", bits = "32"] = cidr.split("/");
  const n = addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  const net = Math.floor(n / size) * size;
  return [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join(".");
}

const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const mac = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export function vxlanPeers(nodeName: string, nodes: readonly Node[]): VxlanPeer[] {
  const out: VxlanPeer[] = [];
  for (const n of nodes) {
    const name = n.metadata?.name ?? "";
    if (name === nodeName || n.metadata?.deletionTimestamp) continue;
    const a = n.metadata?.annotations ?? {};
    const m = a[vtepMacAnnotation]?.toLowerCase() ?? "";
    const publicIP = a[publicIPAnnotation] ?? "";
    const podCidr = n.spec?.podCIDR ?? "";
    if (!mac.test(m) || !ipv4.test(publicIP) || !podCidr || podCidr.includes(":")) continue;
    out.push({ node: name, podCidr, gateway: networkAddress(podCidr), mac: m, publicIP });
  }
  return out.sort((x, y) => x.node.localeCompare(y.node));
}

/** An FDB entry as `bridge -j fdb show dev D` reports it. */
export interface InstalledFdb {
  mac: string;
  dst?: string;
}

/** An entry as `ip -j neigh show dev D` reports it. */
export interface InstalledNeighbour {
  dst: string;
  lladdr?: string;
}

/** The `bridge`/`ip` argument lists that bring the device's FDB and neighbours to `peers`. */
export function vxlanChanges(
  peers: readonly VxlanPeer[],
  fdb: readonly InstalledFdb[],
  neighbours: readonly InstalledNeighbour[],
  device = vxlanDevice,
): { tool: "bridge" | "ip"; args: string[] }[] {
  const out: { tool: "bridge" | "ip"; args: string[] }[] = [];
  const wantFdb = new Map(peers.map((p) => [p.mac, p.publicIP]));
  const wantNeigh = new Map(peers.map((p) => [p.gateway, p.mac]));
  for (const f of fdb) {
    // The all-zero entry (default destination) is not ours to manage.
    if (f.dst === undefined || f.mac === "00:00:00:00:00:00") continue;
    if (wantFdb.get(f.mac) !== f.dst)
      out.push({ tool: "bridge", args: ["fdb", "del", f.mac, "dev", device, "dst", f.dst, "self"] });
  }
  for (const n of neighbours) {
    if (wantNeigh.get(n.dst) !== n.lladdr)
      out.push({ tool: "ip", args: ["neigh", "del", n.dst, "dev", device] });
  }
  for (const p of peers) {
    if (!fdb.some((f) => f.mac === p.mac && f.dst === p.publicIP)) {
      out.push({
        tool: "bridge",
        args: ["fdb", "replace", p.mac, "dev", device, "dst", p.publicIP, "self", "permanent"],
      });
    }
    if (!neighbours.some((n) => n.dst === p.gateway && n.lladdr === p.mac)) {
      out.push({
        tool: "ip",
        args: ["neigh", "replace", p.gateway, "lladdr", p.mac, "dev", device, "nud", "permanent"],
      });
    }
  }
  return out;
}
