// The scheduler's cache: nodes and the pods bound or assumed on them, with the indexes plugins
// use (pods by label, pods with affinity, nodes by topology value, nodes per image). Assumed
// pods (bound by us, not yet confirmed by the watch) count like bound ones, so the next cycle
// already sees them; a binding that fails forgets them.
import type { Namespace, Node, Pod } from "kubernetes-types/core/v1.js";
import { type AffinityTerm, NodeInfo, newPodInfo, type PodInfo, podKey, termMatches } from "./nodeinfo.ts";
import type { Labels } from "./selectors.ts";
import type { Snapshot, TermGroup } from "./snapshot.ts";

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

export class SchedulerCache implements Snapshot {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private readonly byLabel = new Map<string, Set<PodInfo>>();
  private readonly antiAffinity = new Set<PodInfo>();
  private readonly withAffinity = new Set<PodInfo>();
  private readonly namespaces = new Map<string, Labels>();
  private nodeList: NodeInfo[] | undefined;
  private topology = new Map<string, Map<string, NodeInfo[]>>();
  private imageCounts: Map<string, number> | undefined;
  /** Per-term domain counts, created on first use and updated on every placement after. */
  private termCounts = new Map<string, { term: AffinityTerm; counts: Map<string, number> }>();
  private antiGroups = new Map<string, { term: AffinityTerm; counts: Map<string, number> }>();
  private readonly nsLabels = (ns: string) => this.namespaces.get(ns);

  // ---- Snapshot ----
  get nodes(): readonly NodeInfo[] {
    this.nodeList ??= [...this.nodeInfos.values()].filter((n) => n.node !== undefined);
    return this.nodeList;
  }

  get(nodeName: string): NodeInfo | undefined {
    const n = this.nodeInfos.get(nodeName);
    return n?.node ? n : undefined;
  }

  nodeOf(key: string): NodeInfo | undefined {
    const s = this.podStates.get(key);
    return s ? this.nodeInfos.get(s.nodeName) : undefined;
  }

  podsWithLabel(key: string, value: string): Iterable<PodInfo> {
    return this.byLabel.get(`${key}=${value}`) ?? [];
  }

  *allPods(): Iterable<PodInfo> {
    for (const s of this.podStates.values()) yield s.info;
  }

  podsWithRequiredAntiAffinity(): Iterable<PodInfo> {
    return this.antiAffinity;
  }

  podsWithAffinity(): Iterable<PodInfo> {
    return this.withAffinity;
  }

  nodesByTopology(key: string): ReadonlyMap<string, readonly NodeInfo[]> {
    let m = this.topology.get(key);
    if (!m) {
      m = new Map();
      for (const n of this.nodes) {
        const v = n.labels[key];
        if (v === undefined) continue;
        const list = m.get(v);
        if (list) list.push(n);
        else m.set(v, [n]);
      }
      this.topology.set(key, m);
    }
    return m;
  }

  nodesWithImage(image: string): number {
    if (!this.imageCounts) {
      this.imageCounts = new Map();
      for (const n of this.nodes)
        for (const name of n.images.keys()) this.imageCounts.set(name, (this.imageCounts.get(name) ?? 0) + 1);
    }
    return this.imageCounts.get(image) ?? 0;
  }

  namespaceLabels(namespace: string): Labels | undefined {
    return this.namespaces.get(namespace);
  }

  termDomainCounts(term: AffinityTerm): ReadonlyMap<string, number> {
    let e = this.termCounts.get(term.signature);
    if (!e) {
      const counts = new Map<string, number>();
      for (const s of this.podStates.values()) {
        const v = this.nodeInfos.get(s.nodeName)?.labels[term.topologyKey];
        if (v !== undefined && this.counted(term, s.info)) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      e = { term, counts };
      // Bounded: each entry costs a match per placement; distinct workloads are few.
      if (this.termCounts.size >= 256) this.termCounts.clear();
      this.termCounts.set(term.signature, e);
    }
    return e.counts;
  }

  antiAffinityGroups(): Iterable<TermGroup> {
    return this.antiGroups.values();
  }

  private counted(term: AffinityTerm, info: PodInfo): boolean {
    return !info.pod.metadata?.deletionTimestamp && termMatches(term, info, this.nsLabels);
  }

  private updateTermCounts(info: PodInfo, nodeName: string, by: 1 | -1): void {
    const labels = this.nodeInfos.get(nodeName)?.labels ?? {};
    for (const e of this.termCounts.values()) {
      const v = labels[e.term.topologyKey];
      if (v !== undefined && this.counted(e.term, info)) addCount(e.counts, v, by);
    }
    for (const t of info.requiredAntiAffinity) {
      let g = this.antiGroups.get(t.signature);
      if (!g) {
        g = { term: t, counts: new Map() };
        this.antiGroups.set(t.signature, g);
      }
      const v = labels[t.topologyKey];
      if (v !== undefined) addCount(g.counts, v, by);
      if (g.counts.size === 0) this.antiGroups.delete(t.signature);
    }
  }

  /** Node labels (or namespace labels) changed: counts derived from them are rebuilt. */
  private rebuildTermCounts(): void {
    this.termCounts = new Map();
    this.antiGroups = new Map();
    for (const s of this.podStates.values()) this.updateTermCounts(s.info, s.nodeName, 1);
  }

  // ---- updates ----
  private nodesChanged(): void {
    this.nodeList = undefined;
    this.topology = new Map();
    this.imageCounts = undefined;
  }

  private nodeInfo(name: string): NodeInfo {
    let n = this.nodeInfos.get(name);
    if (!n) {
      n = new NodeInfo(name);
      this.nodeInfos.set(name, n);
    }
    return n;
  }

  setNode(node: Node): void {
    const name = node.metadata?.name ?? "";
    const info = this.nodeInfo(name);
    const before = info.node;
    const labelsChanged =
      before !== undefined &&
      JSON.stringify(before.metadata?.labels) !== JSON.stringify(node.metadata?.labels);
    info.setNode(node);
    if (labelsChanged || (!before && info.pods.size > 0)) this.rebuildTermCounts();
    // Only changes that alter the node list or its indexes need the derived views rebuilt.
    if (
      !before ||
      before.metadata?.labels !== node.metadata?.labels ||
      JSON.stringify(before.metadata?.labels) !== JSON.stringify(node.metadata?.labels) ||
      JSON.stringify(before.status?.images) !== JSON.stringify(node.status?.images)
    )
      this.nodesChanged();
  }

  removeNode(name: string): void {
    const info = this.nodeInfos.get(name);
    if (!info) return;
    // Pods still on it stay accounted (as upstream) until their own deletions arrive.
    if (info.pods.size === 0) this.nodeInfos.delete(name);
    else info.node = undefined;
    this.nodesChanged();
  }

  setNamespace(ns: Namespace): void {
    const name = ns.metadata?.name ?? "";
    const before = this.namespaces.get(name);
    const labels = ns.metadata?.labels ?? {};
    this.namespaces.set(name, labels);
    if (before && JSON.stringify(before) !== JSON.stringify(labels)) this.rebuildTermCounts();
  }

  removeNamespace(name: string): void {
    this.namespaces.delete(name);
  }

  private index(info: PodInfo, add: boolean): void {
    for (const [k, v] of Object.entries(info.labels)) {
      const key = `${k}=${v}`;
      let set = this.byLabel.get(key);
      if (add) {
        if (!set) {
          set = new Set();
          this.byLabel.set(key, set);
        }
        set.add(info);
      } else if (set) {
        set.delete(info);
        if (set.size === 0) this.byLabel.delete(key);
      }
    }
    const hasAnti = info.requiredAntiAffinity.length > 0;
    // Scoring symmetry reads placed pods' affinity and preferred terms, never their required anti-affinity.
    const hasAny =
      info.requiredAffinity.length + info.preferredAffinity.length + info.preferredAntiAffinity.length > 0;
    if (hasAnti) add ? this.antiAffinity.add(info) : this.antiAffinity.delete(info);
    if (hasAny) add ? this.withAffinity.add(info) : this.withAffinity.delete(info);
  }

  private place(info: PodInfo, nodeName: string, assumed: boolean): void {
    this.unplace(info.key);
    this.podStates.set(info.key, { info, nodeName, assumed });
    this.nodeInfo(nodeName).addPod(info);
    this.index(info, true);
    this.updateTermCounts(info, nodeName, 1);
  }

  private unplace(key: string): PodState | undefined {
    const s = this.podStates.get(key);
    if (!s) return undefined;
    this.podStates.delete(key);
    this.updateTermCounts(s.info, s.nodeName, -1);
    const n = this.nodeInfos.get(s.nodeName);
    n?.removePod(s.info);
    if (n && !n.node && n.pods.size === 0) this.nodeInfos.delete(s.nodeName);
    this.index(s.info, false);
    return s;
  }

  /** Counts the pod on the node before the API confirms the binding. */
  assumePod(info: PodInfo, nodeName: string): void {
    this.place(info, nodeName, true);
  }

  /** The binding failed: the pod is no longer on the node (unless the watch already confirmed it). */
  forgetPod(key: string): void {
    const s = this.podStates.get(key);
    if (s?.assumed) this.unplace(key);
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed === true;
  }

  /** A pod from the informer: bound and not terminal → counted; otherwise not. */
  setPod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!nodeName || phase === "Succeeded" || phase === "Failed") {
      // Still assumed (binding in flight, watch shows the old unbound pod): keep it.
      if (!nodeName && this.isAssumed(key)) return;
      this.unplace(key);
      return;
    }
    const s = this.podStates.get(key);
    if (
      s &&
      s.nodeName === nodeName &&
      s.info.uid === (pod.metadata?.uid ?? "") &&
      sameLabels(s.info.labels, pod.metadata?.labels)
    ) {
      // Status updates (Running, Ready…) and the watch confirming our binding change nothing the
      // scheduler counts: keep the parsed requests and indexes, refresh the object.
      if (!!s.info.pod.metadata?.deletionTimestamp === !!pod.metadata?.deletionTimestamp) {
        s.info.pod = pod;
        s.assumed = false;
        return;
      }
    }
    this.place(newPodInfo(pod), nodeName, false);
  }

  removePod(pod: Pod): void {
    this.unplace(podKey(pod));
  }

  get podCount(): number {
    return this.podStates.size;
  }
}

function addCount(m: Map<string, number>, key: string, by: number): void {
  const next = (m.get(key) ?? 0) + by;
  if (next <= 0) m.delete(key);
  else m.set(key, next);
}

function sameLabels(a: Labels, b: Labels | undefined): boolean {
  const bb = b ?? {};
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(bb).length) return false;
  return ka.every((k) => a[k] === bb[k]);
}
