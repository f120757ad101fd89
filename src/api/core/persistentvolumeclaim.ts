// The persistentvolumeclaims resource: defaults, access-mode and storage-request validation,
// a spec that is immutable except for growing requests of bound claims, and the kubectl table.
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { Quantity } from "../quantity.ts";
import type { TableConvertor } from "../resource.ts";
import { validateLabelSelector } from "../validation/labelselector.ts";
import { isDns1123Subdomain, nameIsDnsSubdomain } from "../validation/names.ts";
import { deepEqual } from "../validation/objectmeta.ts";
import { canonicalizeResourceList, parseQuantityField } from "../validation/resources.ts";
import { ageColumn, column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";
import {
  accessModesText,
  quantityText,
  storageClassOf,
  validateAccessModes,
  volumeModes,
} from "./persistentvolume.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);
const specPath = FieldPath.root("spec");

/** ValidatePersistentVolumeClaimSpec, shared with StatefulSet volumeClaimTemplates. */
export function validatePersistentVolumeClaimSpec(
  spec: PersistentVolumeClaimSpec | undefined,
  at: FieldPath,
): FieldError[] {
  const s = spec ?? {};
  const errs = validateAccessModes(
    s.accessModes,
    at.child("accessModes"),
    "at least 1 access mode is required",
  );
  if (s.selector) errs.push(...validateLabelSelector(s.selector, at.child("selector")));
  const storagePath = at.child("resources").key("storage");
  const storage = s.resources?.requests?.storage;
  if (storage === undefined) errs.push(fieldErrors.required(storagePath, ""));
  else {
    const q = parseQuantityField(storage, storagePath, errs);
    if (q && q.sign() <= 0)
      errs.push(fieldErrors.invalid(storagePath, q.toString(), "must be greater than zero"));
  }
  if (s.storageClassName) {
    for (const msg of isDns1123Subdomain(s.storageClassName))
      errs.push(fieldErrors.invalid(at.child("storageClassName"), s.storageClassName, msg));
  }
  if (s.volumeMode && !volumeModes.includes(s.volumeMode)) {
    errs.push(fieldErrors.notSupported(at.child("volumeMode"), s.volumeMode, volumeModes));
  }
  return errs;
}

function validatePersistentVolumeClaimUpdate(
  pvc: PersistentVolumeClaim,
  old: PersistentVolumeClaim,
): FieldError[] {
  const errs = meta.update(pvc.metadata, old.metadata);
  const next: PersistentVolumeClaimSpec = structuredClone(pvc.spec ?? {});
  const prev: PersistentVolumeClaimSpec = structuredClone(old.spec ?? {});
  // The binder sets volumeName once.
  if (!prev.volumeName) prev.volumeName = next.volumeName;
  // Only bound claims may change (grow) their storage request.
  const oldStorage = prev.resources?.requests?.storage;
  if (pvc.status?.phase === "Bound" && next.resources?.requests && oldStorage !== undefined) {
    next.resources.requests.storage = oldStorage;
  }
  next.volumeAttributesClassName = prev.volumeAttributesClassName;
  if (!deepEqual(next, prev)) {
    errs.push(
      fieldErrors.forbidden(
        specPath,
        "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
      ),
    );
  }
  const newSize = Quantity.tryParse(String(pvc.spec?.resources?.requests?.storage ?? ""));
  const oldSize = Quantity.tryParse(String(old.spec?.resources?.requests?.storage ?? ""));
  if (newSize && oldSize && newSize.cmp(oldSize) < 0) {
    errs.push(
      fieldErrors.forbidden(
        specPath.child("resources").child("requests").child("storage"),
        "field can not be less than previous value",
      ),
    );
  }
  return errs;
}

export const persistentVolumeClaimTable: TableConvertor<Obj<PersistentVolumeClaim>> = {
  columns: [
    nameColumn,
    column("Status", "phase represents the current phase of PersistentVolumeClaim."),
    column("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    column("Capacity", "capacity represents the actual resources of the underlying volume."),
    column("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
    column("StorageClass", "storageClassName is the name of the StorageClass required by the claim."),
    column(
      "VolumeAttributesClass",
      "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.",
    ),
    ageColumn,
    column("VolumeMode", "volumeMode defines what type of volume is required by the claim.", { wide: true }),
  ],
  cells(pvc, now) {
    const spec = pvc.spec ?? {};
    const bound = Boolean(spec.volumeName);
    return [
      pvc.metadata?.name ?? "",
      pvc.metadata?.deletionTimestamp ? "Terminating" : (pvc.status?.phase ?? ""),
      spec.volumeName ?? "",
      bound ? quantityText(pvc.status?.capacity?.storage) : "",
      bound ? accessModesText(pvc.status?.accessModes) : "",
      storageClassOf(pvc),
      spec.volumeAttributesClassName || "<unset>",
      age(pvc.metadata?.creationTimestamp, now),
      spec.volumeMode ?? "<unset>",
    ];
  },
};

export const persistentVolumeClaims = defineResource<Obj<PersistentVolumeClaim>>({
  group: "",
  version: "v1",
  resource: "persistentvolumeclaims",
  singular: "persistentvolumeclaim",
  kind: "PersistentVolumeClaim",
  namespaced: true,
  shortNames: ["pvc"],
  hasStatus: true,
  strategy: {
    defaults(pvc) {
      pvc.spec ??= {};
      pvc.spec.volumeMode ||= "Filesystem";
      canonicalizeResourceList(pvc.spec.resources?.requests);
      canonicalizeResourceList(pvc.spec.resources?.limits);
    },
    prepareForCreate(pvc) {
      Object.assign(pvc, { status: { phase: "Pending" } });
    },
    validate: (pvc) => [
      ...meta.create(pvc.metadata),
      ...validatePersistentVolumeClaimSpec(pvc.spec, specPath),
    ],
    validateUpdate: validatePersistentVolumeClaimUpdate,
    table: persistentVolumeClaimTable,
    // Kubernetes keeps "name" as a field label for backward compatibility.
    fieldSelectors: { name: (x) => x.metadata?.name ?? "" },
  },
});
