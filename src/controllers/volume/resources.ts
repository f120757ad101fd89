// Coordinates and annotation keys of the volume controllers (Kubernetes' pv-controller names).
import type { ResourceCoords } from "../../client/paths.ts";

export { persistentVolumeClaimsResource } from "../statefulset/resources.ts";

export const persistentVolumesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "persistentvolumes",
  namespaced: false,
  kind: "PersistentVolume",
};
export const storageClassesResource: ResourceCoords = {
  group: "storage.k8s.io",
  version: "v1",
  resource: "storageclasses",
  namespaced: false,
  kind: "StorageClass",
};

export const annBindCompleted = "pv.kubernetes.io/bind-completed";
export const annBoundByController = "pv.kubernetes.io/bound-by-controller";
export const annStorageProvisioner = "volume.kubernetes.io/storage-provisioner";
export const annBetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";
export const annProvisionedBy = "pv.kubernetes.io/provisioned-by";
export const annDefaultClass = "storageclass.kubernetes.io/is-default-class";
