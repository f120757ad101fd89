// storage.k8s.io/v1 StorageClass: defaults (Delete, Immediate), validation with immutable
// provisioner/parameters/policies, and the table marking the default class.
import type { StorageClass as StorageClassV1 } from "kubernetes-types/storage/v1.js";
import {
  deepEqual,
  isQualifiedName,
  nameIsDnsSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef } from "../resource.ts";

export type StorageClass = Kube<StorageClassV1>;

const metaOptions = { namespaced: false, nameFn: nameIsDnsSubdomain };
const reclaimPolicies = ["Delete", "Retain"];
const bindingModes = ["Immediate", "WaitForFirstConsumer"];
const defaultAnnotations = [
  "storageclass.kubernetes.io/is-default-class",
  "storageclass.beta.kubernetes.io/is-default-class",
];

export function isDefaultStorageClass(sc: StorageClass): boolean {
  return defaultAnnotations.some((a) => sc.metadata?.annotations?.[a] === "true");
}

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, metaOptions);
  const at = FieldPath.root("provisioner");
  if (!sc.provisioner) errs.push(fieldErrors.required(at, ""));
  else
    for (const msg of isQualifiedName(sc.provisioner.toLowerCase()))
      errs.push(fieldErrors.invalid(at, sc.provisioner, msg));
  if (sc.reclaimPolicy !== undefined && !reclaimPolicies.includes(sc.reclaimPolicy)) {
    errs.push(fieldErrors.notSupported(FieldPath.root("reclaimPolicy"), sc.reclaimPolicy, reclaimPolicies));
  }
  if (sc.volumeBindingMode !== undefined && !bindingModes.includes(sc.volumeBindingMode)) {
    errs.push(
      fieldErrors.notSupported(FieldPath.root("volumeBindingMode"), sc.volumeBindingMode, bindingModes),
    );
  }
  return errs;
}

export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs = validateObjectMetaUpdate(sc.metadata, old.metadata, metaOptions);
  const fixed: ["parameters" | "provisioner" | "reclaimPolicy" | "volumeBindingMode", string][] = [
    ["parameters", "updates to parameters are forbidden."],
    ["provisioner", "updates to provisioner are forbidden."],
    ["reclaimPolicy", "updates to reclaimPolicy are forbidden."],
    ["volumeBindingMode", "field is immutable"],
  ];
  for (const [field, message] of fixed) {
    if (!deepEqual(sc[field], old[field])) errs.push(fieldErrors.forbidden(FieldPath.root(field), message));
  }
  return errs;
}

export const storageclasses: ResourceDef<StorageClass> = {
  group: "storage.k8s.io",
  version: "v1",
  resource: "storageclasses",
  singular: "storageclass",
  kind: "StorageClass",
  namespaced: false,
  shortNames: ["sc"],
  strategy: {
    defaults(sc) {
      sc.reclaimPolicy ??= "Delete";
      sc.volumeBindingMode ??= "Immediate";
    },
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
    table: {
      columns: [
        nameColumn,
        column("Provisioner", "provisioner indicates the type of the provisioner."),
        column(
          "ReclaimPolicy",
          "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.",
        ),
        column(
          "VolumeBindingMode",
          "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used.",
        ),
        column(
          "AllowVolumeExpansion",
          "allowVolumeExpansion shows whether the storage class allow volume expand.",
        ),
        ageColumn,
      ],
      cells: (sc, now) => [
        `${sc.metadata?.name ?? ""}${isDefaultStorageClass(sc) ? " (default)" : ""}`,
        sc.provisioner,
        sc.reclaimPolicy ?? "Delete",
        sc.volumeBindingMode ?? "Immediate",
        sc.allowVolumeExpansion ?? false,
        age(sc.metadata?.creationTimestamp, now),
      ],
    },
  },
};
