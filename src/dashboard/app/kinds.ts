// The kinds the dashboard lists: where each lives in the API, its columns, its health, and
// which actions apply (scale, rollout restart).
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import type { ConfigMap, Event, Namespace, Node, Pod, Secret, Service } from "kubernetes-types/core/v1.js";
import type { Ingress } from "kubernetes-types/networking/v1.js";

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string }[];
    deletionTimestamp?: string;
  };
  spec?: unknown;
  status?: unknown;
  data?: Record<string, string>;
  type?: string;
  // Events carry these at the top level.
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
}

/** Reads an object as its kind's type (the table below knows which kind each row is). */
export function as<T>(o: KubeObject): T {
  return o as unknown as T;
}

export type Health = "ok" | "warn" | "bad";

export interface Kind {
  /** The URL segment (and the resource name). */
  resource: string;
  title: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  columns: [string, (o: KubeObject) => string][];
  health?: (o: KubeObject) => Health;
  scalable?: boolean;
  restartable?: boolean;
}

type Replicated = { spec?: { replicas?: number }; status?: { readyReplicas?: number } };
const ready = (r: Replicated): string => {
  return `${r.status?.readyReplicas ?? 0}/${r.spec?.replicas ?? 0}`;
};
const replicasHealth = (r: Replicated): Health => {
  const have = r.status?.readyReplicas ?? 0;
  return have >= (r.spec?.replicas ?? 0) ? "ok" : have > 0 ? "warn" : "bad";
};

export function podStatus(o: Pod): string {
  if (o.metadata?.deletionTimestamp) return "Terminating";
  for (const c of o.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason && o.status?.phase !== "Succeeded") return c.state.terminated.reason;
  }
  return o.status?.phase ?? "Pending";
}

function podReady(o: Pod): string {
  const cs = o.status?.containerStatuses ?? [];
  return `${cs.filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`;
}

export function condition(
  o: { status?: { conditions?: { type: string; status: string }[] } },
  type: string,
): string {
  const c = (o.status?.conditions ?? []).find((x) => x.type === type);
  return c?.status ?? "Unknown";
}

interface KindSpec<T> extends Omit<Kind, "columns" | "health"> {
  columns: [string, (o: T) => string][];
  health?: (o: T) => Health;
}

function define<T>(k: KindSpec<T>): Kind {
  const { health, columns, ...rest } = k;
  return {
    ...rest,
    columns: columns.map(([title, f]) => [title, (o: KubeObject) => f(as<T>(o))]),
    ...(health ? { health: (o: KubeObject) => health(as<T>(o)) } : {}),
  };
}

export const kinds: Kind[] = [
  define<Namespace>({
    resource: "namespaces",
    title: "Namespaces",
    kind: "Namespace",
    group: "",
    version: "v1",
    namespaced: false,
    columns: [["Status", (o) => o.status?.phase ?? ""]],
    health: (o) => (o.status?.phase === "Active" ? "ok" : "warn"),
  }),
  define<Node>({
    resource: "nodes",
    title: "Nodes",
    kind: "Node",
    group: "",
    version: "v1",
    namespaced: false,
    columns: [
      ["Ready", (o) => condition(o, "Ready")],
      ["CPU", (o) => o.status?.capacity?.cpu ?? ""],
      ["Memory", (o) => o.status?.capacity?.memory ?? ""],
      ["Pods", (o) => o.status?.capacity?.pods ?? ""],
      ["Version", (o) => o.status?.nodeInfo?.kubeletVersion ?? ""],
    ],
    health: (o) => (condition(o, "Ready") === "True" ? "ok" : "bad"),
  }),
  define<Pod>({
    resource: "pods",
    title: "Pods",
    kind: "Pod",
    group: "",
    version: "v1",
    namespaced: true,
    columns: [
      ["Ready", podReady],
      ["Status", podStatus],
      [
        "Restarts",
        (o) => String((o.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0)),
      ],
      ["Node", (o) => o.spec?.nodeName ?? ""],
      ["IP", (o) => o.status?.podIP ?? ""],
    ],
    health: (o) => {
      const s = podStatus(o);
      if (s === "Running") return podReady(o).split("/")[0] === podReady(o).split("/")[1] ? "ok" : "warn";
      if (s === "Succeeded" || s === "Completed") return "ok";
      return s === "Pending" || s === "ContainerCreating" || s === "Terminating" ? "warn" : "bad";
    },
  }),
  define<Deployment>({
    resource: "deployments",
    title: "Deployments",
    kind: "Deployment",
    group: "apps",
    version: "v1",
    namespaced: true,
    columns: [
      ["Ready", ready],
      ["Up-to-date", (o) => String(o.status?.updatedReplicas ?? 0)],
      ["Available", (o) => String(o.status?.availableReplicas ?? 0)],
    ],
    health: replicasHealth,
    scalable: true,
    restartable: true,
  }),
  define<ReplicaSet>({
    resource: "replicasets",
    title: "ReplicaSets",
    kind: "ReplicaSet",
    group: "apps",
    version: "v1",
    namespaced: true,
    columns: [
      ["Desired", (o) => String(o.spec?.replicas ?? 0)],
      ["Current", (o) => String(o.status?.replicas ?? 0)],
      ["Ready", (o) => String(o.status?.readyReplicas ?? 0)],
    ],
    health: replicasHealth,
    scalable: true,
  }),
  define<DaemonSet>({
    resource: "daemonsets",
    title: "DaemonSets",
    kind: "DaemonSet",
    group: "apps",
    version: "v1",
    namespaced: true,
    columns: [
      ["Desired", (o) => String(o.status?.desiredNumberScheduled ?? 0)],
      ["Ready", (o) => String(o.status?.numberReady ?? 0)],
      ["Available", (o) => String(o.status?.numberAvailable ?? 0)],
    ],
    health: (o) => ((o.status?.numberReady ?? 0) >= (o.status?.desiredNumberScheduled ?? 0) ? "ok" : "warn"),
    restartable: true,
  }),
  define<StatefulSet>({
    resource: "statefulsets",
    title: "StatefulSets",
    kind: "StatefulSet",
    group: "apps",
    version: "v1",
    namespaced: true,
    columns: [["Ready", ready]],
    health: replicasHealth,
    scalable: true,
    restartable: true,
  }),
  define<Job>({
    resource: "jobs",
    title: "Jobs",
    kind: "Job",
    group: "batch",
    version: "v1",
    namespaced: true,
    columns: [
      ["Completions", (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`],
      ["Active", (o) => String(o.status?.active ?? 0)],
      ["Failed", (o) => String(o.status?.failed ?? 0)],
    ],
    health: (o) =>
      condition(o, "Failed") === "True" ? "bad" : condition(o, "Complete") === "True" ? "ok" : "warn",
  }),
  define<CronJob>({
    resource: "cronjobs",
    title: "CronJobs",
    kind: "CronJob",
    group: "batch",
    version: "v1",
    namespaced: true,
    columns: [
      ["Schedule", (o) => o.spec?.schedule ?? ""],
      ["Suspend", (o) => String(o.spec?.suspend ?? false)],
      ["Active", (o) => String((o.status?.active ?? []).length)],
      ["Last schedule", (o) => o.status?.lastScheduleTime ?? ""],
    ],
  }),
  define<Service>({
    resource: "services",
    title: "Services",
    kind: "Service",
    group: "",
    version: "v1",
    namespaced: true,
    columns: [
      ["Type", (o) => o.spec?.type ?? ""],
      ["Cluster IP", (o) => o.spec?.clusterIP ?? ""],
      ["Ports", (o) => (o.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? "TCP"}`).join(",")],
    ],
  }),
  define<Ingress>({
    resource: "ingresses",
    title: "Ingresses",
    kind: "Ingress",
    group: "networking.k8s.io",
    version: "v1",
    namespaced: true,
    columns: [
      ["Class", (o) => o.spec?.ingressClassName ?? ""],
      ["Hosts", (o) => (o.spec?.rules ?? []).map((r) => r.host ?? "*").join(",")],
    ],
  }),
  define<ConfigMap>({
    resource: "configmaps",
    title: "ConfigMaps",
    kind: "ConfigMap",
    group: "",
    version: "v1",
    namespaced: true,
    columns: [["Data", (o) => String(Object.keys(o.data ?? {}).length)]],
  }),
  define<Secret>({
    resource: "secrets",
    title: "Secrets",
    kind: "Secret",
    group: "",
    version: "v1",
    namespaced: true,
    columns: [
      ["Type", (o) => o.type ?? ""],
      ["Data", (o) => String(Object.keys(o.data ?? {}).length)],
    ],
  }),
  define<Event>({
    resource: "events",
    title: "Events",
    kind: "Event",
    group: "",
    version: "v1",
    namespaced: true,
    columns: [
      ["Type", (o) => o.type ?? ""],
      ["Reason", (o) => o.reason ?? ""],
      ["Object", (o) => `${o.involvedObject?.kind ?? ""}/${o.involvedObject?.name ?? ""}`],
      ["Message", (o) => o.message ?? ""],
    ],
    health: (o) => (o.type === "Warning" ? "warn" : "ok"),
  }),
];

export function kindOf(resource: string): Kind | undefined {
  return kinds.find((k) => k.resource === resource);
}

/** The collection URL (namespace "" lists across namespaces), or an object's URL with `name`. */
export function apiPath(k: Kind, namespace: string, name = ""): string {
  const base = k.group === "" ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  const ns = k.namespaced && namespace !== "" ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${k.resource}${name ? `/${encodeURIComponent(name)}` : ""}`;
}
