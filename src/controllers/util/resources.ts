// Coordinates of the resources the workload controllers read and write.
import type { ResourceCoords } from "../../client/paths.ts";

export const podsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "pods",
  namespaced: true,
  kind: "Pod",
};
export const replicationControllersResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "replicationcontrollers",
  namespaced: true,
  kind: "ReplicationController",
};
export const replicaSetsResource: ResourceCoords = {
  group: "apps",
  version: "v1",
  resource: "replicasets",
  namespaced: true,
  kind: "ReplicaSet",
};
export const deploymentsResource: ResourceCoords = {
  group: "apps",
  version: "v1",
  resource: "deployments",
  namespaced: true,
  kind: "Deployment",
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
