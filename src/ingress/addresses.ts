// The addresses a node-hosted load balancer advertises: each node's ExternalIP when it has one,
// else its InternalIP (k3s servicelb's choice), de-duplicated and sorted. Nodes whose agent serves
// ingress carry the serving annotation; the ingress status lists those nodes, or every node when
// none does (the server's own ingress on a one-machine cluster).
import type { Node } from "kubernetes-types/core/v1.js";

/** Set on a Node by an agent serving ingress (`http=<port>,https=<port>`), removed when it stops. */
export const ingressServingAnnotation = "ingress.skiff.io/serving";

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

/** The addresses for Ingress status: the serving nodes', or every node's when none announces. */
export function servingAddresses(nodes: readonly Node[]): string[] {
  const serving = nodes.filter((n) => n.metadata?.annotations?.[ingressServingAnnotation] !== undefined);
  return nodeAddresses(serving.length > 0 ? serving : nodes);
}
