// TaintToleration: NoSchedule and NoExecute taints must be tolerated to land on a node (as
// upstream's filter; evicting running pods for NoExecute is the node-lifecycle controller's job);
// untolerated PreferNoSchedule taints lower the score.
import type { FilterPlugin, ScorePlugin } from "../types.ts";
import { maxNodeScore, success, unresolvable } from "../types.ts";
import { toleratedBy } from "./tolerations.ts";

export const taintToleration: FilterPlugin & ScorePlugin = {
  name: "TaintToleration",
  weight: 3,
  filter(_state, pod, node) {
    const tolerations = pod.pod.spec?.tolerations ?? [];
    for (const taint of node.taints) {
      if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
      if (!toleratedBy(taint, tolerations)) {
        return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`);
      }
    }
    return success;
  },
  score(_state, pod, node) {
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter(
      (t) => !t.effect || t.effect === "PreferNoSchedule",
    );
    let count = 0;
    for (const taint of node.taints) {
      if (taint.effect === "PreferNoSchedule" && !toleratedBy(taint, tolerations)) count++;
    }
    return count;
  },
  normalize(_state, _pod, scores) {
    // Fewer intolerable taints is better: reverse against the worst node.
    const max = Math.max(0, ...scores);
    for (let i = 0; i < scores.length; i++) {
      scores[i] =
        max === 0 ? maxNodeScore : Math.floor(maxNodeScore - ((scores[i] ?? 0) * maxNodeScore) / max);
    }
  },
};
