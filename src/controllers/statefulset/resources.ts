// Coordinates of the resources the StatefulSet controller writes besides pods.
import type { ResourceCoords } from "../../client/paths.ts";

export const controllerRevisionsResource: ResourceCoords = {
  group: "apps",
  version: "v1",
  resource: "controllerrevisions",
  namespaced: true,
  kind: "ControllerRevision",
};
export const persistentVolumeClaimsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "persistentvolumeclaims",
  namespaced: true,
  kind: "PersistentVolumeClaim",
};
