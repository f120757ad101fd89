// The read-only view of the cluster that plugins see during one scheduling cycle. The cache
// implements it directly: a cycle runs synchronously on the event loop, so nothing can change the
// cache mid-cycle, and copying 5,000 NodeInfos per pod (upstream's snapshot) would buy nothing.
import type { NodeInfo, PodInfo } from "./nodeinfo.ts";
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
  /** Bound/assumed pods with any affinity or anti-affinity term (for scoring symmetry). */
  podsWithAffinity(): Iterable<PodInfo>;
  /** topology value → nodes carrying label `key` (kept per key, rebuilt after node changes). */
  nodesByTopology(key: string): ReadonlyMap<string, readonly NodeInfo[]>;
  /** How many nodes report an image (ImageLocality's spread). */
  nodesWithImage(image: string): number;
  namespaceLabels(namespace: string): Labels | undefined;
}
