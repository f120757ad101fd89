// What an object costs against a ResourceQuota (Kubernetes' quota evaluators), shared by the
// ResourceQuota admission plugin and the quota controller: pods (count, cpu/memory/ephemeral
// storage requests and limits), claims (count, requests.storage, per storage class), legacy
// object counts (services, configmaps, ...) and count/<resource>[.<group>] for every kind.
import type { Container, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { Quantity } from "../quantity.ts";

export type Usage = Map<string, Quantity>;

const legacyCounted = new Set([
  "pods",
  "services",
  "configmaps",
  "secrets",
  "persistentvolumeclaims",
  "replicationcontrollers",
  "resourcequotas",
]);

/** Resources whose absence from a container makes a quota on them refuse the pod. */
export const podComputeResources = [
  "requests.cpu",
  "requests.memory",
  "limits.cpu",
  "limits.memory",
  "cpu",
  "memory",
] as const;

function addTo(u: Usage, key: string, q: Quantity): void {
  u.set(key, plus(u.get(key), q));
}

function quantity(v: unknown): Quantity | undefined {
  return typeof v === "string" || typeof v === "number" ? Quantity.tryParse(String(v)) : undefined;
}

/** Like Kubernetes' Quantity.Add, a sum starting from zero takes the first addend's format. */
function plus(a: Quantity | undefined, b: Quantity): Quantity {
  return a === undefined || a.isZero() ? (a === undefined ? b : b.add(a)) : a.add(b);
}

function containerSum(containers: readonly Container[], kind: "requests" | "limits", r: string): Quantity {
  let sum: Quantity | undefined;
  for (const c of containers) {
    const q = quantity(c.resources?.[kind]?.[r]);
    if (q) sum = plus(sum, q);
  }
  return sum ?? Quantity.fromInteger(0);
}

/** Kubernetes' PodRequests/PodLimits: max(sum of containers, largest init container) + overhead. */
function podAmount(pod: Pod, kind: "requests" | "limits", r: string): Quantity {
  let amount = containerSum(pod.spec?.containers ?? [], kind, r);
  for (const ic of pod.spec?.initContainers ?? []) {
    const q = quantity(ic.resources?.[kind]?.[r]);
    if (q && q.cmp(amount) > 0) amount = q;
  }
  const overhead = quantity(pod.spec?.overhead?.[r]);
  return overhead ? plus(amount, overhead) : amount;
}

export function isTerminalPod(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

export function podUsage(pod: Pod): Usage {
  const u: Usage = new Map();
  if (isTerminalPod(pod)) return u;
  u.set("pods", Quantity.fromInteger(1));
  u.set("count/pods", Quantity.fromInteger(1));
  for (const r of ["cpu", "memory", "ephemeral-storage"]) {
    const req = podAmount(pod, "requests", r);
    const lim = podAmount(pod, "limits", r);
    u.set(`requests.${r}`, req);
    u.set(`limits.${r}`, lim);
    if (r !== "ephemeral-storage") u.set(r, req);
  }
  return u;
}

/** The containers (by name) that lack a request or limit a quota constrains. */
export function missingComputeResources(pod: Pod, constrained: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of [...constrained].sort()) {
    if (!(podComputeResources as readonly string[]).includes(key)) continue;
    const [kind, r] = key.includes(".")
      ? (key.split(".") as ["requests" | "limits", string])
      : ["requests" as const, key];
    const lacking = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
      .filter((c) => c.resources?.[kind]?.[r] === undefined)
      .map((c) => c.name);
    if (lacking.length > 0) out.push(`${key} for: ${lacking.join(",")}`);
  }
  return out;
}

function claimUsage(pvc: PersistentVolumeClaim, u: Usage): void {
  const storage = quantity(pvc.spec?.resources?.requests?.storage) ?? Quantity.fromInteger(0);
  u.set("requests.storage", storage);
  const cls = pvc.spec?.storageClassName;
  if (cls) {
    u.set(`${cls}.storageclass.storage.k8s.io/requests.storage`, storage);
    u.set(`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, Quantity.fromInteger(1));
  }
}

/** The usage of one object of `group`/`resource`. */
export function objectUsage(
  group: string,
  resource: string,
  obj: { spec?: unknown; status?: unknown },
): Usage {
  if (group === "" && resource === "pods") return podUsage(obj as Pod);
  const u: Usage = new Map();
  const one = Quantity.fromInteger(1);
  u.set(group === "" ? `count/${resource}` : `count/${resource}.${group}`, one);
  if (group === "" && legacyCounted.has(resource)) u.set(resource, one);
  if (group === "" && resource === "persistentvolumeclaims") claimUsage(obj as PersistentVolumeClaim, u);
  if (group === "" && resource === "services") {
    const spec = (obj.spec ?? {}) as { type?: string; ports?: { nodePort?: number }[] };
    if (spec.type === "LoadBalancer") u.set("services.loadbalancers", one);
    const nodePorts =
      spec.type === "NodePort" || spec.type === "LoadBalancer" ? (spec.ports ?? []).length : 0;
    if (nodePorts > 0) u.set("services.nodeports", Quantity.fromInteger(nodePorts));
  }
  return u;
}

export function addUsage(into: Usage, more: Usage): void {
  for (const [k, q] of more) addTo(into, k, q);
}

/** Kubernetes' prettyPrint of a ResourceList: sorted key=value pairs joined by commas. */
export function formatUsage(u: ReadonlyMap<string, Quantity>, keys: readonly string[]): string {
  return [...keys]
    .sort()
    .map((k) => `${k}=${(u.get(k) ?? Quantity.fromInteger(0)).toString()}`)
    .join(",");
}

function isBestEffort(pod: Pod): boolean {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].every(
    (c) =>
      Object.keys(c.resources?.requests ?? {}).length === 0 &&
      Object.keys(c.resources?.limits ?? {}).length === 0,
  );
}

/**
 * Whether a quota with these scopes (spec.scopes and scopeSelector Exists/DoesNotExist/In on the
 * scope names) tracks this object: scoped quotas track only pods that match every scope.
 */
export function quotaTracks(
  quota: {
    spec?: {
      scopes?: string[];
      scopeSelector?: { matchExpressions?: { scopeName: string; operator: string; values?: string[] }[] };
    };
  },
  group: string,
  resource: string,
  obj: unknown,
): boolean {
  const scopes = [
    ...(quota.spec?.scopes ?? []).map((s) => ({ scopeName: s, operator: "Exists", values: [] as string[] })),
    ...(quota.spec?.scopeSelector?.matchExpressions ?? []),
  ];
  if (scopes.length === 0) return true;
  if (group !== "" || resource !== "pods") return false;
  const pod = obj as Pod;
  return scopes.every((s) => {
    let holds: boolean;
    switch (s.scopeName) {
      case "Terminating":
        holds = pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds !== null;
        break;
      case "NotTerminating":
        holds = pod.spec?.activeDeadlineSeconds === undefined || pod.spec.activeDeadlineSeconds === null;
        break;
      case "BestEffort":
        holds = isBestEffort(pod);
        break;
      case "NotBestEffort":
        holds = !isBestEffort(pod);
        break;
      case "PriorityClass": {
        const name = pod.spec?.priorityClassName ?? "";
        if (s.operator === "In") return (s.values ?? []).includes(name);
        if (s.operator === "NotIn") return !(s.values ?? []).includes(name);
        holds = name !== "";
        break;
      }
      default:
        holds = false;
    }
    return s.operator === "DoesNotExist" ? !holds : holds;
  });
}
