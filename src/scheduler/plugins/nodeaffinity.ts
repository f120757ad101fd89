// NodeAffinity: spec.nodeSelector and required node affinity filter nodes; preferred terms add
// their weights to a node's score (normalized to 0..100).

import type { NodeInfo, PodInfo } from "../nodeinfo.ts";
import { matchNodeSelectorTerm, matchNodeSelectorTerms } from "../selectors.ts";
import type { FilterPlugin, ScorePlugin } from "../types.ts";
import { maxNodeScore, success, unresolvable } from "../types.ts";

// Shared failure statuses: a cycle may fail thousands of nodes on them.
const mismatch = Object.freeze(unresolvable("node(s) didn't match Pod's node affinity/selector"));

/** Whether the node satisfies the pod's nodeSelector and required node affinity. */
export function matchesNodeAffinity(pod: PodInfo, node: NodeInfo): boolean {
  const selector = pod.pod.spec?.nodeSelector;
  if (selector) {
    for (const [k, v] of Object.entries(selector)) if (node.labels[k] !== v) return false;
  }
  const terms =
    pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return !terms || matchNodeSelectorTerms(terms, node.labels, node.name);
}

export const nodeAffinity: FilterPlugin & ScorePlugin = {
  name: "NodeAffinity",
  weight: 2,
  filter(_state, pod, node) {
    return matchesNodeAffinity(pod, node) ? success : mismatch;
  },
  score(_state, pod, node) {
    let sum = 0;
    for (const p of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ??
      []) {
      if (matchNodeSelectorTerm(p.preference, node.labels, node.name)) sum += p.weight;
    }
    return sum;
  },
  normalize(_state, _pod, scores) {
    const max = Math.max(0, ...scores);
    if (max === 0) return;
    for (let i = 0; i < scores.length; i++) scores[i] = Math.floor(((scores[i] ?? 0) * maxNodeScore) / max);
  },
};
