// InterPodAffinity: required pod affinity / anti-affinity of the incoming pod, the required
// anti-affinity of pods already placed (symmetry), and preferred terms for scoring. PreFilter
// counts matching pods per topology domain once; Filter is then a few map lookups per node.
import type { NodeInfo, PodInfo } from "../nodeinfo.ts";
import { termMatches } from "../nodeinfo.ts";
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
import { bump, cloneCounts, type DomainCounts, matchingPods } from "./topologycounts.ts";

const filterKey = "InterPodAffinity/filter";
const scoreKey = "InterPodAffinity/score";

class AffinityState {
  constructor(
    /** Domains forbidden by placed pods' anti-affinity terms that match the incoming pod. */
    readonly existingAnti: DomainCounts,
    /** Per required affinity term: matching pods per domain of its key. */
    readonly affinity: Map<string, number>[],
    readonly anti: Map<string, number>[],
    /** No placed pod matches the affinity terms, but the pod matches them itself (first of a group). */
    readonly selfAffinityAllowed: boolean,
  ) {}
  clone(): AffinityState {
    return new AffinityState(
      cloneCounts(this.existingAnti),
      this.affinity.map((m) => new Map(m)),
      this.anti.map((m) => new Map(m)),
      this.selfAffinityAllowed,
    );
  }
}

function nsLabels(snapshot: Snapshot) {
  return (ns: string) => snapshot.namespaceLabels(ns);
}

function adjust(
  s: AffinityState,
  pod: PodInfo,
  other: PodInfo,
  node: NodeInfo,
  by: number,
  snapshot?: Snapshot,
): void {
  const labels = snapshot ? nsLabels(snapshot) : () => undefined;
  for (const t of other.requiredAntiAffinity) {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && termMatches(t, pod, labels)) bump(s.existingAnti, t.topologyKey, v, by);
  }
  pod.requiredAffinity.forEach((t, i) => {
    const v = node.labels[t.topologyKey];
    const m = s.affinity[i];
    if (m && v !== undefined && termMatches(t, other, labels)) m.set(v, (m.get(v) ?? 0) + by);
  });
  pod.requiredAntiAffinity.forEach((t, i) => {
    const v = node.labels[t.topologyKey];
    const m = s.anti[i];
    if (m && v !== undefined && termMatches(t, other, labels)) m.set(v, (m.get(v) ?? 0) + by);
  });
}

export const interPodAffinity: PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin = {
  name: "InterPodAffinity",
  weight: 2,
  preFilter(state, pod, snapshot) {
    const existingAnti: DomainCounts = new Map();
    const labels = nsLabels(snapshot);
    for (const other of snapshot.podsWithRequiredAntiAffinity()) {
      if (other.pod.metadata?.deletionTimestamp) continue;
      const node = snapshot.nodeOf(other.key);
      if (!node) continue;
      for (const t of other.requiredAntiAffinity) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, pod, labels)) bump(existingAnti, t.topologyKey, v, 1);
      }
    }
    const count = (terms: PodInfo["requiredAffinity"]) =>
      terms.map((t) => {
        const m = new Map<string, number>();
        for (const [, v] of matchingPods(snapshot, t)) m.set(v, (m.get(v) ?? 0) + 1);
        return m;
      });
    const affinity = count(pod.requiredAffinity);
    const anti = count(pod.requiredAntiAffinity);
    if (existingAnti.size === 0 && affinity.length === 0 && anti.length === 0) return skip;
    const selfAffinityAllowed =
      affinity.every((m) => m.size === 0) && pod.requiredAffinity.every((t) => termMatches(t, pod, labels));
    state.write(filterKey, new AffinityState(existingAnti, affinity, anti, selfAffinityAllowed));
    return success;
  },
  removePod(state, pod, removed, node) {
    const s = state.read<AffinityState>(filterKey);
    if (s) adjust(s, pod, removed, node, -1);
  },
  addPod(state, pod, added, node) {
    const s = state.read<AffinityState>(filterKey);
    if (s) adjust(s, pod, added, node, 1);
  },
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const s = state.read<AffinityState>(filterKey);
    if (!s) return success;
    for (const [key, values] of s.existingAnti) {
      const v = node.labels[key];
      if (v !== undefined && (values.get(v) ?? 0) > 0)
        return unschedulable("node(s) didn't satisfy existing pods anti-affinity rules");
    }
    for (let i = 0; i < pod.requiredAffinity.length; i++) {
      const key = pod.requiredAffinity[i]?.topologyKey ?? "";
      const v = node.labels[key];
      const ok = v !== undefined && ((s.affinity[i]?.get(v) ?? 0) > 0 || s.selfAffinityAllowed);
      if (!ok) return unresolvable("node(s) didn't match pod affinity rules");
    }
    for (let i = 0; i < pod.requiredAntiAffinity.length; i++) {
      const key = pod.requiredAntiAffinity[i]?.topologyKey ?? "";
      const v = node.labels[key];
      if (v !== undefined && (s.anti[i]?.get(v) ?? 0) > 0)
        return unschedulable("node(s) didn't match pod anti-affinity rules");
    }
    return success;
  },
  preScore(state, pod, _nodes, snapshot) {
    const scores: DomainCounts = new Map();
    const labels = nsLabels(snapshot);
    for (const t of pod.preferredAffinity)
      for (const [, v] of matchingPods(snapshot, t)) bump(scores, t.topologyKey, v, t.weight);
    for (const t of pod.preferredAntiAffinity)
      for (const [, v] of matchingPods(snapshot, t)) bump(scores, t.topologyKey, v, -t.weight);
    // Symmetry: placed pods' own terms that select the incoming pod.
    for (const other of snapshot.podsWithAffinity()) {
      const node = snapshot.nodeOf(other.key);
      if (!node) continue;
      const apply = (t: PodInfo["requiredAffinity"][number], w: number) => {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, pod, labels)) bump(scores, t.topologyKey, v, w);
      };
      for (const t of other.requiredAffinity) apply(t, 1);
      for (const t of other.preferredAffinity) apply(t, t.weight);
      for (const t of other.preferredAntiAffinity) apply(t, -t.weight);
    }
    if (scores.size === 0) return skip;
    state.write(scoreKey, scores);
    return success;
  },
  score(state, _pod, node) {
    const scores = state.read<DomainCounts>(scoreKey);
    let sum = 0;
    for (const [key, values] of scores ?? []) {
      const v = node.labels[key];
      if (v !== undefined) sum += values.get(v) ?? 0;
    }
    return sum;
  },
  normalize(_state, _pod, scores) {
    const max = Math.max(...scores);
    const min = Math.min(...scores);
    for (let i = 0; i < scores.length; i++)
      scores[i] = max === min ? 0 : Math.floor((maxNodeScore * ((scores[i] ?? 0) - min)) / (max - min));
  },
};
