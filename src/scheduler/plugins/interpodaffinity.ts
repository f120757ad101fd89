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
import { bump, type DomainCounts, matchingPods } from "./topologycounts.ts";

// Shared failure statuses: a cycle may fail thousands of nodes on them.
const existingAntiFailed = Object.freeze(
  unschedulable("node(s) didn't satisfy existing pods anti-affinity rules"),
);
const affinityFailed = Object.freeze(unresolvable("node(s) didn't match pod affinity rules"));
const antiFailed = Object.freeze(unschedulable("node(s) didn't match pod anti-affinity rules"));

const filterKey = "InterPodAffinity/filter";
const scoreKey = "InterPodAffinity/score";

/** Domain counts from the cache (shared, read-only) plus this cycle's own changes (preemption). */
class Counts {
  private delta: Map<string, number> | undefined;
  constructor(
    readonly topologyKey: string,
    private readonly base: ReadonlyMap<string, number>,
  ) {}
  get(value: string): number {
    return (this.base.get(value) ?? 0) + (this.delta?.get(value) ?? 0);
  }
  add(value: string, by: number): void {
    this.delta ??= new Map();
    this.delta.set(value, (this.delta.get(value) ?? 0) + by);
  }
  empty(): boolean {
    return this.base.size === 0 && [...(this.delta?.values() ?? [])].every((v) => v <= 0);
  }
  clone(): Counts {
    const c = new Counts(this.topologyKey, this.base);
    if (this.delta) c.delta = new Map(this.delta);
    return c;
  }
}

class AffinityState {
  constructor(
    /** Domains where placed pods' anti-affinity terms that match the incoming pod forbid it. */
    readonly existingAnti: Counts[],
    /** Per required affinity / anti-affinity term of the pod: matching placed pods per domain. */
    readonly affinity: Counts[],
    readonly anti: Counts[],
    /** No placed pod matches the affinity terms, but the pod matches them itself (first of a group). */
    readonly selfAffinityAllowed: boolean,
  ) {}
  clone(): AffinityState {
    const c = (l: Counts[]) => l.map((x) => x.clone());
    return new AffinityState(c(this.existingAnti), c(this.affinity), c(this.anti), this.selfAffinityAllowed);
  }
}

function nsLabels(snapshot: Snapshot) {
  return (ns: string) => snapshot.namespaceLabels(ns);
}

/** Preemption's what-if: `other` leaves (-1) or returns (+1) to `node`. */
function adjust(s: AffinityState, pod: PodInfo, other: PodInfo, node: NodeInfo, by: number): void {
  const labels = () => undefined;
  for (const t of other.requiredAntiAffinity) {
    const v = node.labels[t.topologyKey];
    if (v === undefined || !termMatches(t, pod, labels)) continue;
    const c = s.existingAnti.find((x) => x.topologyKey === t.topologyKey);
    if (c) c.add(v, by);
    else if (by > 0) {
      const fresh = new Counts(t.topologyKey, new Map());
      fresh.add(v, by);
      s.existingAnti.push(fresh);
    }
  }
  pod.requiredAffinity.forEach((t, i) => {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && termMatches(t, other, labels)) s.affinity[i]?.add(v, by);
  });
  pod.requiredAntiAffinity.forEach((t, i) => {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && termMatches(t, other, labels)) s.anti[i]?.add(v, by);
  });
}

export const interPodAffinity: PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin = {
  name: "InterPodAffinity",
  weight: 2,
  preFilter(state, pod, snapshot) {
    const labels = nsLabels(snapshot);
    const existingAnti: Counts[] = [];
    for (const g of snapshot.antiAffinityGroups()) {
      if (termMatches(g.term, pod, labels)) existingAnti.push(new Counts(g.term.topologyKey, g.counts));
    }
    const count = (terms: PodInfo["requiredAffinity"]) =>
      terms.map((t) => new Counts(t.topologyKey, snapshot.termDomainCounts(t)));
    const affinity = count(pod.requiredAffinity);
    const anti = count(pod.requiredAntiAffinity);
    if (existingAnti.length === 0 && affinity.length === 0 && anti.length === 0) return skip;
    const selfAffinityAllowed =
      affinity.every((c) => c.empty()) && pod.requiredAffinity.every((t) => termMatches(t, pod, labels));
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
  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Status {
    const s = state.read<AffinityState>(filterKey);
    if (!s) return success;
    for (const c of s.existingAnti) {
      const v = node.labels[c.topologyKey];
      if (v !== undefined && c.get(v) > 0) return existingAntiFailed;
    }
    for (const c of s.affinity) {
      const v = node.labels[c.topologyKey];
      if (v === undefined || (c.get(v) <= 0 && !s.selfAffinityAllowed)) return affinityFailed;
    }
    for (const c of s.anti) {
      const v = node.labels[c.topologyKey];
      if (v !== undefined && c.get(v) > 0) return antiFailed;
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
