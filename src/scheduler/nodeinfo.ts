// What the scheduler knows of a pod (parsed once: requests, ports, affinity terms) and of a node
// (allocatable, the pods bound or assumed on it and their summed requests, used host ports).
import type { Node, Pod, Taint } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "../api/selector/label.ts";
import {
  addResources,
  emptyResources,
  parseAllocatable,
  podNonZeroRequests,
  podRequests,
  type Resources,
} from "./resources.ts";
import { compileLabelSelector, equalityPairs, type Labels } from "./selectors.ts";

export interface HostPort {
  protocol: string;
  ip: string;
  port: number;
}

export interface AffinityTerm {
  selector: LabelSelector;
  /** matchLabels pairs for the label index (may be empty). */
  pairs: [string, string][];
  /** Explicit namespaces; with `allNamespaces` false and none listed, the pod's own. */
  namespaces: ReadonlySet<string>;
  /** The namespaceSelector, when present (empty selects every namespace). */
  namespaceSelector: LabelSelector | undefined;
  topologyKey: string;
  /** Identifies equal terms across pods (namespaces, selectors, key), for the cache's counts. */
  signature: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface PodInfo {
  pod: Pod;
  /** `namespace/name`. */
  key: string;
  namespace: string;
  uid: string;
  labels: Labels;
  priority: number;
  /** creationTimestamp in ms (queue order after priority). */
  created: number;
  requests: Resources;
  nonZeroRequests: Resources;
  hostPorts: HostPort[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
}

function compileTerm(
  t: { labelSelector?: unknown; namespaces?: string[]; namespaceSelector?: unknown; topologyKey: string },
  namespace: string,
): AffinityTerm {
  const sel = t.labelSelector as Parameters<typeof compileLabelSelector>[0];
  const nsSel = t.namespaceSelector as Parameters<typeof compileLabelSelector>[0];
  const namespaces = new Set(t.namespaces ?? []);
  if (namespaces.size === 0 && !nsSel) namespaces.add(namespace);
  return {
    signature: JSON.stringify([[...namespaces].sort(), nsSel ?? null, sel ?? null, t.topologyKey]),
    selector: compileLabelSelector(sel),
    pairs: equalityPairs(sel),
    namespaces,
    namespaceSelector: nsSel ? compileLabelSelector(nsSel) : undefined,
    topologyKey: t.topologyKey,
  };
}

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
}

export function newPodInfo(pod: Pod): PodInfo {
  const namespace = pod.metadata?.namespace ?? "";
  const aff = pod.spec?.affinity;
  const hostPorts: HostPort[] = [];
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort)
        hostPorts.push({ protocol: p.protocol ?? "TCP", ip: p.hostIP || "0.0.0.0", port: p.hostPort });
    }
  }
  const created = Date.parse(pod.metadata?.creationTimestamp ?? "");
  return {
    pod,
    key: podKey(pod),
    namespace,
    uid: pod.metadata?.uid ?? "",
    labels: pod.metadata?.labels ?? {},
    priority: pod.spec?.priority ?? 0,
    created: Number.isNaN(created) ? 0 : created,
    requests: podRequests(pod),
    nonZeroRequests: podNonZeroRequests(pod),
    hostPorts,
    requiredAffinity: (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      compileTerm(t, namespace),
    ),
    requiredAntiAffinity: (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (t) => compileTerm(t, namespace),
    ),
    preferredAffinity: (aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({
      ...compileTerm(w.podAffinityTerm, namespace),
      weight: w.weight,
    })),
    preferredAntiAffinity: (aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (w) => ({
        ...compileTerm(w.podAffinityTerm, namespace),
        weight: w.weight,
      }),
    ),
  };
}

/** Whether an affinity term selects `other` (namespace and labels). */
export function termMatches(
  term: AffinityTerm,
  other: PodInfo,
  namespaceLabels: (ns: string) => Labels | undefined,
): boolean {
  if (!term.namespaces.has(other.namespace)) {
    if (!term.namespaceSelector) return false;
    if (
      !term.namespaceSelector.empty &&
      !term.namespaceSelector.matches(namespaceLabels(other.namespace) ?? {})
    )
      return false;
  }
  return term.selector.matches(other.labels);
}

export class NodeInfo {
  node: Node | undefined;
  readonly name: string;
  labels: Labels = {};
  allocatable: Resources = emptyResources();
  taints: Taint[] = [];
  unschedulable = false;
  /** Image name → size in bytes, from node.status.images. */
  images = new Map<string, number>();
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested: Resources = emptyResources();
  usedPorts: HostPort[] = [];
  /** Bumped on every change, so derived data can tell it is stale. */
  generation = 0;

  constructor(name: string, node?: Node) {
    this.name = name;
    if (node) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? {};
    this.allocatable = parseAllocatable(
      (node.status?.allocatable ?? node.status?.capacity) as Record<string, unknown>,
    );
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.images = new Map();
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) this.images.set(n, img.sizeBytes ?? 0);
    }
    this.generation++;
  }

  addPod(p: PodInfo): void {
    const old = this.pods.get(p.key);
    if (old) this.removePod(old);
    this.pods.set(p.key, p);
    addResources(this.requested, p.requests);
    addResources(this.nonZeroRequested, p.nonZeroRequests);
    if (p.hostPorts.length > 0) this.usedPorts = [...this.usedPorts, ...p.hostPorts];
    this.generation++;
  }

  removePod(p: PodInfo): boolean {
    const had = this.pods.get(p.key);
    if (!had) return false;
    this.pods.delete(p.key);
    addResources(this.requested, had.requests, -1);
    addResources(this.nonZeroRequested, had.nonZeroRequests, -1);
    if (had.hostPorts.length > 0) {
      const ports = [...this.usedPorts];
      for (const hp of had.hostPorts) {
        const i = ports.indexOf(hp);
        if (i >= 0) ports.splice(i, 1);
      }
      this.usedPorts = ports;
    }
    this.generation++;
    return true;
  }

  /** A copy whose pod set can change without touching this one (preemption's what-if). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.allocatable = this.allocatable;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.images = this.images;
    for (const p of this.pods.values()) c.addPod(p);
    return c;
  }
}
