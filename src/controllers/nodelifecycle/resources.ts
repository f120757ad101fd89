// Coordinates and shared cache indexes of the node controllers (nodes, node Leases, pods by node).
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ResourceCoords } from "../../client/paths.ts";

export const nodesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "nodes",
  namespaced: false,
  kind: "Node",
};

export const nodeLeaseNamespace = "kube-node-lease";

/** Pods by spec.nodeName (bound pods only). */
export const nodeNameIndex = "nodeName";
export const podsByNode = {
  [nodeNameIndex]: (p: Pod): string[] => (p.spec?.nodeName ? [p.spec.nodeName] : []),
};

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
