// What the route manager wants in the node's main routing table (host-gw, like flannel's host-gw
// backend): every other Node's podCIDR via that Node's InternalIP, and the service CIDR onto the
// pod bridge so host-originated ClusterIP traffic has a route to be DNATed on. With the vxlan
// backend, nodes announcing a VTEP are reached through the vxlan device instead. Pure functions.
import type { Node } from "kubernetes-types/core/v1.js";
import { vxlanPeers } from "./vxlan-plan.ts";

export interface Route {
  dst: string;
  /** Next hop (another node); absent for a device route. */
  via?: string;
  dev?: string;
  src?: string;
  /** The next hop is on the device's link whatever its address (the vxlan gateways). */
  onlink?: boolean;
}

export interface RoutePlanInput {
  nodeName: string;
  nodes: readonly Node[];
  serviceCidr?: string;
  /** The pod bridge the service CIDR is routed onto. */
  bridge?: string;
  /** This node's address: the source of host-originated service traffic. */
  nodeIP?: string;
  /** Addresses of this machine: a node on one of them is reached without a route. */
  localIPs?: readonly string[];
  /** The vxlan device, when this node uses the vxlan backend. */
  vxlanDevice?: string;
}

export function internalIP(n: Node): string | undefined {
  return n.status?.addresses?.find((a) => a.type === "InternalIP" && /^\d+\.\d+\.\d+\.\d+$/.test(a.address))
    ?.address;
}

export function desiredRoutes(i: RoutePlanInput): Route[] {
  const routes: Route[] = [];
  const own = i.nodes.find((n) => n.metadata?.name === i.nodeName);
  const ownIP = own ? internalIP(own) : i.nodeIP;
  const overlay = new Map(
    i.vxlanDevice ? vxlanPeers(i.nodeName, i.nodes).map((p) => [p.node, p] as const) : [],
  );
  for (const n of i.nodes) {
    if (n.metadata?.name === i.nodeName || n.metadata?.deletionTimestamp) continue;
    const peer = overlay.get(n.metadata?.name ?? "");
    if (peer && i.vxlanDevice) {
      routes.push({ dst: peer.podCidr, via: peer.gateway, dev: i.vxlanDevice, onlink: true });
      continue;
    }
    const via = internalIP(n);
    const cidrs = new Set([n.spec?.podCIDR, ...(n.spec?.podCIDRs ?? [])].filter((c): c is string => !!c));
    // A node sharing our address (all agents on one host) is reached without a route.
    if (!via || via === ownIP || i.localIPs?.includes(via)) continue;
    for (const dst of cidrs) if (!dst.includes(":")) routes.push({ dst, via });
  }
  if (i.serviceCidr && i.bridge) {
    routes.push({ dst: i.serviceCidr, dev: i.bridge, ...(i.nodeIP ? { src: i.nodeIP } : {}) });
  }
  return routes.sort((a, b) => a.dst.localeCompare(b.dst));
}

/** A route as `ip -j route show` reports it. */
export interface InstalledRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
}

export function sameRoute(want: Route, have: InstalledRoute): boolean {
  if (want.via) return have.gateway === want.via && (want.dev === undefined || have.dev === want.dev);
  return have.gateway === undefined && have.dev === want.dev && (want.src ?? have.prefsrc) === have.prefsrc;
}

/** The `ip route` argument lists that turn `installed` into `wanted`. */
export function routeChanges(
  wanted: readonly Route[],
  installed: readonly InstalledRoute[],
  protocol: number,
): string[][] {
  const out: string[][] = [];
  const wantedDst = new Set(wanted.map((r) => r.dst));
  for (const h of installed) {
    if (!wantedDst.has(h.dst)) out.push(["route", "del", h.dst, "proto", String(protocol)]);
  }
  for (const w of wanted) {
    const have = installed.find((h) => h.dst === w.dst);
    if (have && sameRoute(w, have)) continue;
    out.push([
      "route",
      "replace",
      w.dst,
      ...(w.via ? ["via", w.via] : []),
      ...(w.dev ? ["dev", w.dev] : []),
      ...(w.src ? ["src", w.src] : []),
      ...(w.onlink ? ["onlink"] : []),
      "proto",
      String(protocol),
    ]);
  }
  return out;
}
