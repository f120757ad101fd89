// Which pod node-pressure eviction takes first, as the kubelet ranks them: pods using more than
// they requested first, then lower priority, then the largest use above the request.
import type { Pod } from "kubernetes-types/core/v1.js";
import { Quantity } from "../../api/quantity.ts";

export interface PodUsage {
  pod: Pod;
  /** Bytes of memory (working set) or of disk the pod uses. */
  usage: number;
}

/** Sum of the containers' requests for `resource` (memory or ephemeral-storage), in bytes. */
export function podRequest(pod: Pod, resource: "memory" | "ephemeral-storage"): number {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const r = c.resources?.requests?.[resource];
    if (r !== undefined) total += Quantity.parse(String(r)).toNumber();
  }
  return total;
}

export function rankForEviction(pods: PodUsage[], resource: "memory" | "ephemeral-storage"): PodUsage[] {
  const key = (u: PodUsage) => {
    const request = podRequest(u.pod, resource);
    return {
      exceeds: u.usage > request ? 0 : 1,
      priority: u.pod.spec?.priority ?? 0,
      above: u.usage - request,
    };
  };
  return [...pods].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x.exceeds - y.exceeds || x.priority - y.priority || y.above - x.above;
  });
}

/** Pods the kubelet never evicts: static/mirror pods and system-critical priority. */
export function evictable(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.["kubernetes.io/config.source"];
  if (source !== undefined && source !== "api") return false;
  if (pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined) return false;
  return (pod.spec?.priority ?? 0) < 2_000_000_000;
}
