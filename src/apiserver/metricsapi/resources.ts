// The metrics.k8s.io/v1beta1 resources (NodeMetrics, PodMetrics): read-only, never stored. They are
// in the registry so discovery, the APIService list and RBAC treat them like any other resource.
import type { ResourceDef } from "../../api/resource.ts";

export const metricsGroup = "metrics.k8s.io";
export const metricsVersion = "v1beta1";

export const nodeMetricsResource: ResourceDef = {
  group: metricsGroup,
  version: metricsVersion,
  resource: "nodes",
  singular: "",
  kind: "NodeMetrics",
  namespaced: false,
  verbs: ["get", "list"],
  storagePrefix: "metrics.k8s.io/nodes",
  strategy: {},
};

export const podMetricsResource: ResourceDef = {
  group: metricsGroup,
  version: metricsVersion,
  resource: "pods",
  singular: "",
  kind: "PodMetrics",
  namespaced: true,
  verbs: ["get", "list"],
  storagePrefix: "metrics.k8s.io/pods",
  strategy: {},
};

export function metricsResources(): ResourceDef[] {
  return [nodeMetricsResource, podMetricsResource];
}

export function isMetricsResource(def: ResourceDef): boolean {
  return def.group === metricsGroup;
}
