// Builders for the scheduler's unit tests: Node and Pod objects from terse specs and a cache
// holding them (the cache is the Snapshot plugins read).
import type { Node, Pod, PodSpec, Taint } from "kubernetes-types/core/v1.js";
import { SchedulerCache } from "./cache.ts";
import { newPodInfo, type PodInfo } from "./nodeinfo.ts";

export interface TestNode {
  name: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

export function testNode(n: TestNode): Node {
  const cap = {
    cpu: n.cpu ?? "4",
    memory: n.memory ?? "8Gi",
    pods: n.pods ?? "110",
    "ephemeral-storage": "10Gi",
  };
  return {
    metadata: { name: n.name, labels: { "kubernetes.io/hostname": n.name, ...(n.labels ?? {}) } },
    spec: { ...(n.taints ? { taints: n.taints } : {}), ...(n.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: cap, capacity: cap, ...(n.images ? { images: n.images } : {}) },
  };
}

export interface TestPod {
  name: string;
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  priority?: number;
  nodeName?: string;
  spec?: Partial<PodSpec>;
}

export function testPod(p: TestPod): Pod {
  const requests: Record<string, string> = {};
  if (p.cpu) requests.cpu = p.cpu;
  if (p.memory) requests.memory = p.memory;
  return {
    metadata: {
      name: p.name,
      namespace: p.namespace ?? "default",
      uid: `uid-${p.name}`,
      labels: p.labels ?? {},
      creationTimestamp: "2024-01-01T00:00:00Z",
    },
    spec: {
      containers: [{ name: "c", image: "app:1", resources: { requests } }],
      ...(p.priority !== undefined ? { priority: p.priority } : {}),
      ...(p.nodeName ? { nodeName: p.nodeName } : {}),
      ...p.spec,
    },
    status: { phase: p.nodeName ? "Running" : "Pending" },
  };
}

export function testPodInfo(p: TestPod): PodInfo {
  return newPodInfo(testPod(p));
}

/** A cache with these nodes and bound pods (each TestPod must name its node). */
export function testCache(nodes: TestNode[], pods: TestPod[] = []): SchedulerCache {
  const c = new SchedulerCache();
  for (const n of nodes) c.setNode(testNode(n));
  for (const p of pods) c.setPod(testPod(p));
  return c;
}
