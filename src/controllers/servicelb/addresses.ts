// The addresses a LoadBalancer Service is given: each node's ExternalIP when it has one, else its
// InternalIP (k3s servicelb's choice), IPv4 only (the service proxy programs IPv4), sorted.
import type { LoadBalancerIngress, Node } from "kubernetes-types/core/v1.js";

export function nodeAddresses(nodes: Iterable<Node>): string[] {
  const out = new Set<string>();
  for (const n of nodes) {
    if (n.metadata?.deletionTimestamp) continue;
    const addrs = (n.status?.addresses ?? []).filter((a) => !a.address.includes(":"));
    const external = addrs.filter((a) => a.type === "ExternalIP");
    const chosen = external.length > 0 ? external : addrs.filter((a) => a.type === "InternalIP");
    for (const a of chosen) out.add(a.address);
  }
  return [...out].sort();
}

export function desiredIngress(ips: readonly string[]): LoadBalancerIngress[] {
  return ips.map((ip) => ({ ip, ipMode: "VIP" }));
}

export function sameIngress(
  a: readonly LoadBalancerIngress[] | undefined,
  b: readonly LoadBalancerIngress[],
): boolean {
  const have = a ?? [];
  return (
    have.length === b.length &&
    have.every((x, i) => x.ip === b[i]?.ip && x.ipMode === b[i]?.ipMode && !x.hostname)
  );
}
