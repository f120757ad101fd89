// PodTopologySpread: DoNotSchedule constraints filter nodes whose domain would exceed maxSkew;
// ScheduleAnyway constraints score emptier domains higher. Counts come from the label index and
// the snapshot's per-topology node index, once per cycle.
import type { TopologySpreadConstraint } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "../../api/selector/label.ts";
import type { NodeInfo, PodInfo } from "../nodeinfo.ts";
import { compileLabelSelector, equalityPairs } from "../selectors.ts";
import type { Snapshot } from "../snapshot.ts";
import type {
  CycleState,
  FilterPlugin,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
  Status,
} from "../types.ts";
import { maxNodeScore, skip, success, unresolvable, unschedulable } from "../types.ts";
import { matchesNodeAffinity } from "./nodeaffinity.ts";
import { toleratedBy } from "./tolerations.ts";
import { candidates } from "./topologycounts.ts";

// Shared failure statuses: a cycle may fail thousands of nodes on them.
const missingLabel = Object.freeze(
  unresolvable("node(s) didn't match pod topology spread constraints (missing required label)"),
);
const skewTooBig = Object.freeze(unschedulable("node(s) didn't match pod topology spread constraints"));

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  pairs: [string, string][];
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

function compile(pod: PodInfo, c: TopologySpreadConstraint): Constraint {
  const base = c.labelSelector ?? undefined;
  // matchLabelKeys: the pod's own values for those keys join the selector.
  const extra: Record<string, string> = {};
  for (const k of c.matchLabelKeys ?? []) {
    const v = pod.labels[k];
    if (v !== undefined) extra[k] = v;
  }
  const sel = base ? { ...base, matchLabels: { ...(base.matchLabels ?? {}), ...extra } } : undefined;
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector: compileLabelSelector(sel),
    pairs: equalityPairs(sel),
    minDomains: c.minDomains ?? 1,
    honorAffinity: c.nodeAffinityPolicy !== "Ignore",
    honorTaints: c.nodeTaintsPolicy === "Honor",
  };
}

function constraintsOf(pod: PodInfo, action: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
  return (pod.pod.spec?.topologySpreadConstraints ?? [])
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => compile(pod, c));
}

function eligible(pod: PodInfo, c: Constraint, node: NodeInfo): boolean {
  if (c.honorAffinity && !matchesNodeAffinity(pod, node)) return false;
  if (c.honorTaints) {
    const tol = pod.pod.spec?.tolerations ?? [];
    if (
      node.taints.some((t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !toleratedBy(t, tol))
    )
      return false;
  }
  return true;
}

class SpreadState {
  constructor(
    readonly constraints: Constraint[],
    /** per constraint: domain value → matching pods */
    readonly counts: Map<string, number>[],
  ) {}
  clone(): SpreadState {
    return new SpreadState(
      this.constraints,
      this.counts.map((m) => new Map(m)),
    );
  }
  min(i: number): number {
    const m = this.counts[i];
    const c = this.constraints[i];
    if (!m || !c || m.size < c.minDomains) return 0;
    let min = Number.POSITIVE_INFINITY;
    for (const v of m.values()) if (v < min) min = v;
    return min === Number.POSITIVE_INFINITY ? 0 : min;
  }
}

/** Matching pods per domain over eligible nodes; every eligible domain is present (possibly 0). */
function countDomains(pod: PodInfo, c: Constraint, snapshot: Snapshot): Map<string, number> {
  const counts = new Map<string, number>();
  const ok = new Map<NodeInfo, boolean>();
  for (const [value, nodes] of snapshot.nodesByTopology(c.topologyKey)) {
    for (const n of nodes) {
      const e = eligible(pod, c, n);
      ok.set(n, e);
      if (e && !counts.has(value)) counts.set(value, 0);
    }
  }
  for (const p of candidates(snapshot, c.pairs)) {
    if (p.namespace !== pod.namespace || p.pod.metadata?.deletionTimestamp || !c.selector.matches(p.labels))
      continue;
    const node = snapshot.nodeOf(p.key);
    if (!node || !ok.get(node)) continue;
    const v = node.labels[c.topologyKey];
    if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

const filterKey = "PodTopologySpread/filter";
const scoreKey = "PodTopologySpread/score";

function adjust(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, by: number): void {
  const s = state.read<SpreadState>(filterKey);
  if (!s || other.namespace !== pod.namespace) return;
  s.constraints.forEach((c, i) => {
    const v = node.labels[c.topologyKey];
    const m = s.counts[i];
    if (m && v !== undefined && c.selector.matches(other.labels) && eligible(pod, c, node))
      m.set(v, (m.get(v) ?? 0) + by);
  });
}

export const podTopologySpread: PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin = {
  name: "PodTopologySpread",
  weight: 2,
  preFilter(state, pod, snapshot) {
    const constraints = constraintsOf(pod, "DoNotSchedule");
    if (constraints.length === 0) return skip;
    state.write(
      filterKey,
      new SpreadState(
        constraints,
        constraints.map((c) => countDomains(pod, c, snapshot)),
      ),
    );
    return success;
  },
  removePod(state, pod, removed, node) {
    adjust(state, pod, removed, node, -1);
  },
  addPod(state, pod, added, node) {
    adjust(state, pod, added, node, 1);
  },
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const s = state.read<SpreadState>(filterKey);
    if (!s) return success;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      if (!c) continue;
      const v = node.labels[c.topologyKey];
      if (v === undefined) return missingLabel;
      const self = c.selector.matches(pod.labels) ? 1 : 0;
      const skew = (s.counts[i]?.get(v) ?? 0) + self - s.min(i);
      if (skew > c.maxSkew) return skewTooBig;
    }
    return success;
  },
  preScore(state, pod, _nodes, snapshot) {
    const constraints = constraintsOf(pod, "ScheduleAnyway");
    if (constraints.length === 0) return skip;
    state.write(
      scoreKey,
      new SpreadState(
        constraints,
        constraints.map((c) => countDomains(pod, c, snapshot)),
      ),
    );
    return success;
  },
  score(state, _pod, node) {
    const s = state.read<SpreadState>(scoreKey);
    let sum = 0;
    s?.constraints.forEach((c, i) => {
      const v = node.labels[c.topologyKey];
      // Weighted like upstream: more domains, more weight (log), plus maxSkew - 1 slack.
      const weight = Math.log((s.counts[i]?.size ?? 0) + 2);
      if (v !== undefined) sum += ((s.counts[i]?.get(v) ?? 0) + c.maxSkew - 1) * weight;
    });
    return Math.round(sum);
  },
  normalize(_state, _pod, scores) {
    const max = Math.max(...scores);
    const min = Math.min(...scores);
    for (let i = 0; i < scores.length; i++)
      scores[i] =
        max === min ? maxNodeScore : Math.floor((maxNodeScore * (max - (scores[i] ?? 0))) / (max - min));
  },
};
