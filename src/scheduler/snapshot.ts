// The read-only view of the cluster that plugins see during one scheduling cycle. The cache
// implements it directly: a cycle runs synchronously on the event loop, so nothing can change the
// cache mid-cycle, and copying 5,000 NodeInfos per pod (upstream's snapshot) would buy nothing.
import type { AffinityTerm, NodeInfo, PodInfo } from "./nodeinfo.ts";
import type { Labels } from "./selectors.ts";

export interface Snapshot {
  /** Nodes that exist (a NodeInfo for pods on a not-yet-seen node is left out). */
  readonly nodes: readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** The node a bound or assumed pod is on. */
  nodeOf(podKey: string): NodeInfo | undefined;
  /** Bound/assumed pods carrying label key=value (any namespace). */
  podsWithLabel(key: string, value: string): Iterable<PodInfo>;
  allPods(): Iterable<PodInfo>;
  /** Bound/assumed pods that have required pod anti-affinity terms (checked for symmetry). */
  podsWithRequiredAntiAffinity(): Iterable<PodInfo>;
  /** Bound/assumed pods with required affinity or preferred (anti-)affinity terms (scoring symmetry). */
  podsWithAffinity(): Iterable<PodInfo>;
  /** topology value → nodes carrying label `key` (kept per key, rebuilt after node changes). */
  nodesByTopology(key: string): ReadonlyMap<string, readonly NodeInfo[]>;
  /** How many nodes report an image (ImageLocality's spread). */
  nodesWithImage(image: string): number;
  namespaceLabels(namespace: string): Labels | undefined;
  /** Placed pods matching `term`, per value of its topology key (kept up to date incrementally). */
  termDomainCounts(term: AffinityTerm): ReadonlyMap<string, number>;
  /** Distinct required anti-affinity terms of placed pods, with the domains their owners are in. */
  antiAffinityGroups(): Iterable<TermGroup>;
}

export interface TermGroup {
  term: AffinityTerm;
  /** topology value → placed pods carrying this term there */
  counts: ReadonlyMap<string, number>;
}
