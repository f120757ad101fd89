// NodeResourcesFit (filter: requests against allocatable minus what is bound or assumed) and the
// LeastAllocated and BalancedAllocation scores, with Kubernetes' default weights.
import type { NodeInfo, PodInfo } from "../nodeinfo.ts";
import {
  type CycleState,
  type FilterPlugin,
  maxNodeScore,
  type ScorePlugin,
  type Status,
  success,
  unschedulable,
} from "../types.ts";

/** The reasons NodeResourcesFit reports, in Kubernetes' words. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  const r = pod.requests;
  const a = node.allocatable;
  const used = node.requested;
  if (used.pods + 1 > a.pods) reasons.push("Too many pods");
  if (r.milliCpu > 0 && used.milliCpu + r.milliCpu > a.milliCpu) reasons.push("Insufficient cpu");
  if (r.memory > 0 && used.memory + r.memory > a.memory) reasons.push("Insufficient memory");
  if (r.ephemeralStorage > 0 && used.ephemeralStorage + r.ephemeralStorage > a.ephemeralStorage)
    reasons.push("Insufficient ephemeral-storage");
  return reasons;
}

export const nodeResourcesFit: FilterPlugin = {
  name: "NodeResourcesFit",
  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const reasons = insufficientResources(pod, node);
    return reasons.length === 0 ? success : unschedulable(...reasons);
  },
};

/** Fraction of allocatable that would be requested with the pod (non-zero defaults, as upstream). */
function fractions(pod: PodInfo, node: NodeInfo): [number, number] {
  const a = node.allocatable;
  const cpu =
    a.milliCpu > 0 ? (node.nonZeroRequested.milliCpu + pod.nonZeroRequests.milliCpu) / a.milliCpu : 1;
  const mem = a.memory > 0 ? (node.nonZeroRequested.memory + pod.nonZeroRequests.memory) / a.memory : 1;
  return [Math.min(cpu, 1), Math.min(mem, 1)];
}

/** LeastAllocated: prefers nodes with more free CPU and memory (equal weights). */
export const leastAllocated: ScorePlugin = {
  name: "NodeResourcesFit",
  weight: 1,
  score(_state, pod, node) {
    const [cpu, mem] = fractions(pod, node);
    return Math.floor(((1 - cpu + (1 - mem)) / 2) * maxNodeScore);
  },
};

/** BalancedAllocation: prefers nodes whose CPU and memory use stay close to each other. */
export const balancedAllocation: ScorePlugin = {
  name: "NodeResourcesBalancedAllocation",
  weight: 1,
  score(_state, pod, node) {
    const [cpu, mem] = fractions(pod, node);
    // Standard deviation of the two fractions is |cpu - mem| / 2.
    return Math.floor((1 - Math.abs(cpu - mem) / 2) * maxNodeScore);
  },
};
