// Counting pods per topology domain for affinity and spread, using the snapshot's label index
// (candidates carrying one of the selector's matchLabels pairs) instead of scanning every pod on
// every node, which is what makes upstream's affinity path 10–20× slower than plain scheduling.
import type { AffinityTerm, PodInfo } from "../nodeinfo.ts";
import { termMatches } from "../nodeinfo.ts";
import type { Snapshot } from "../snapshot.ts";

/** topologyKey → topology value → count. */
export type DomainCounts = Map<string, Map<string, number>>;

export function bump(counts: DomainCounts, key: string, value: string, by: number): void {
  let m = counts.get(key);
  if (!m) {
    m = new Map();
    counts.set(key, m);
  }
  const next = (m.get(value) ?? 0) + by;
  if (next === 0) m.delete(value);
  else m.set(value, next);
}

export function cloneCounts(c: DomainCounts): DomainCounts {
  return new Map([...c].map(([k, m]) => [k, new Map(m)]));
}

/** The pods that could match a selector with these matchLabels pairs: the smallest indexed set. */
export function candidates(snapshot: Snapshot, pairs: readonly [string, string][]): Iterable<PodInfo> {
  if (pairs.length === 0) return snapshot.allPods();
  let best: PodInfo[] | Set<PodInfo> | undefined;
  let bestSize = Number.POSITIVE_INFINITY;
  for (const [k, v] of pairs) {
    const set = snapshot.podsWithLabel(k, v);
    const size = set instanceof Set ? set.size : Array.isArray(set) ? set.length : 0;
    if (size < bestSize) {
      best = set instanceof Set ? set : [...set];
      bestSize = size;
    }
  }
  return best ?? [];
}

/** Existing pods matching `term`, with the topology value of their node for the term's key. */
export function* matchingPods(snapshot: Snapshot, term: AffinityTerm): Iterable<[PodInfo, string]> {
  const nsLabels = (ns: string) => snapshot.namespaceLabels(ns);
  for (const p of candidates(snapshot, term.pairs)) {
    if (p.pod.metadata?.deletionTimestamp) continue;
    if (!termMatches(term, p, nsLabels)) continue;
    const value = snapshot.nodeOf(p.key)?.labels[term.topologyKey];
    if (value !== undefined) yield [p, value];
  }
}
