// The resources the scheduler reads and writes (literal coordinates: importing the kinds'
// strategies would pull validation code into every scheduler process for nothing).
import type { ResourceCoords } from "../client/paths.ts";

export const podsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "pods",
  namespaced: true,
  kind: "Pod",
};
export const nodesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "nodes",
  namespaced: false,
  kind: "Node",
};
export const namespacesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "namespaces",
  namespaced: false,
  kind: "Namespace",
};
export const eventsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "events",
  namespaced: true,
  kind: "Event",
};
export const leasesResource: ResourceCoords = {
  group: "coordination.k8s.io",
  version: "v1",
  resource: "leases",
  namespaced: true,
  kind: "Lease",
};
