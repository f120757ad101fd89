// The addresses a node-hosted load balancer advertises: each node's ExternalIP when it has one,
// else its InternalIP (k3s servicelb's choice), de-duplicated and sorted.
import type { Node } from "kubernetes-types/core/v1.js";

// Ingress and Service status share the shape this reads.
type IngressPoint = { ip?: string; hostname?: string };

export function nodeAddresses(nodes: Iterable<Node>): string[] {
  const out = new Set<string>();
  for (const n of nodes) {
    if (n.metadata?.deletionTimestamp) continue;
    const addrs = n.status?.addresses ?? [];
    const external = addrs.filter((a) => a.type === "ExternalIP").map((a) => a.address);
    const internal = addrs.filter((a) => a.type === "InternalIP").map((a) => a.address);
    for (const a of external.length > 0 ? external : internal) out.add(a);
  }
  return [...out].sort();
}

export function sameIngressPoints(a: readonly IngressPoint[] | undefined, ips: readonly string[]): boolean {
  const have = (a ?? []).map((i) => i.ip ?? i.hostname ?? "");
  return have.length === ips.length && have.every((ip, i) => ip === ips[i]);
}
