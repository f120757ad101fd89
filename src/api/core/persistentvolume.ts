// The persistentvolumes resource: reclaim-policy/volume-mode/phase defaults, capacity, access
// modes and exactly-one-source validation, an immutable source, and the kubectl table.
import type { PersistentVolume } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { Quantity } from "../quantity.ts";
import type { TableConvertor } from "../resource.ts";
import { isDns1123Subdomain, nameIsDnsSubdomain } from "../validation/names.ts";
import { deepEqual } from "../validation/objectmeta.ts";
import { canonicalizeResourceList, parseQuantityField } from "../validation/resources.ts";
import { ageColumn, column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";

const meta = metaValidation(false, nameIsDnsSubdomain);
const specPath = FieldPath.root("spec");
export const accessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
export const volumeModes = ["Block", "Filesystem"];
const reclaimPolicies = ["Delete", "Recycle", "Retain"];
/** PersistentVolumeSpec members that are not volume sources. */
const nonSourceFields = new Set([
  "accessModes",
  "capacity",
  "claimRef",
  "mountOptions",
  "nodeAffinity",
  "persistentVolumeReclaimPolicy",
  "storageClassName",
  "volumeAttributesClassName",
  "volumeMode",
]);

export function validateAccessModes(
  modes: string[] | undefined,
  at: FieldPath,
  requiredDetail = "",
): FieldError[] {
  const list = modes ?? [];
  if (list.length === 0) return [fieldErrors.required(at, requiredDetail)];
  const errs: FieldError[] = [];
  for (const mode of list)
    if (!accessModes.includes(mode)) errs.push(fieldErrors.notSupported(at, mode, accessModes));
  if (
    list.includes("ReadWriteOncePod") &&
    list.some((m) => m !== "ReadWriteOncePod" && accessModes.includes(m))
  ) {
    errs.push(fieldErrors.forbidden(at, "may not use ReadWriteOncePod with other access modes"));
  }
  return errs;
}

/** GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
export function accessModesText(modes: string[] | undefined): string {
  const short: [string, string][] = [
    ["ReadWriteOnce", "RWO"],
    ["ReadOnlyMany", "ROX"],
    ["ReadWriteMany", "RWX"],
    ["ReadWriteOncePod", "RWOP"],
  ];
  return short
    .filter(([mode]) => (modes ?? []).includes(mode))
    .map(([, s]) => s)
    .join(",");
}

export function volumeSourcesOf(pv: PersistentVolume): string[] {
  return Object.entries(pv.spec ?? {})
    .filter(([k, v]) => !nonSourceFields.has(k) && v !== undefined && v !== null)
    .map(([k]) => k);
}

function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const errs = meta.create(pv.metadata);
  const spec = pv.spec ?? {};
  const capacity = spec.capacity ?? {};
  if (Object.keys(capacity).length === 0) errs.push(fieldErrors.required(specPath.child("capacity"), ""));
  else if (!("storage" in capacity) || Object.keys(capacity).length > 1) {
    errs.push(fieldErrors.notSupported(specPath.child("capacity"), capacity, ["storage"]));
  } else {
    const at = specPath.child("capacity").key("storage");
    const q = parseQuantityField(capacity.storage, at, errs);
    if (q && q.sign() < 0)
      errs.push(fieldErrors.invalid(at, q.toString(), "must be greater than or equal to 0"));
  }
  errs.push(...validateAccessModes(spec.accessModes, specPath.child("accessModes")));
  const sources = volumeSourcesOf(pv);
  if (sources.length === 0) errs.push(fieldErrors.required(specPath, "must specify a volume type"));
  else if (sources.length > 1)
    errs.push(
      fieldErrors.forbidden(specPath.child(sources[1] ?? ""), "may not specify more than 1 volume type"),
    );
  if (spec.hostPath && !spec.hostPath.path)
    errs.push(fieldErrors.required(specPath.child("hostPath").child("path"), ""));
  if (spec.local && !spec.local.path)
    errs.push(fieldErrors.required(specPath.child("local").child("path"), ""));
  if (spec.local && !spec.nodeAffinity)
    errs.push(fieldErrors.required(specPath.child("nodeAffinity"), "Local volume requires node affinity"));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy && !reclaimPolicies.includes(policy)) {
    errs.push(
      fieldErrors.notSupported(specPath.child("persistentVolumeReclaimPolicy"), policy, reclaimPolicies),
    );
  }
  if (spec.storageClassName) {
    for (const msg of isDns1123Subdomain(spec.storageClassName)) {
      errs.push(fieldErrors.invalid(specPath.child("storageClassName"), spec.storageClassName, msg));
    }
  }
  if (spec.volumeMode && !volumeModes.includes(spec.volumeMode)) {
    errs.push(fieldErrors.notSupported(specPath.child("volumeMode"), spec.volumeMode, volumeModes));
  }
  return errs;
}

function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs = meta.update(pv.metadata, old.metadata);
  const pick = (x: PersistentVolume) =>
    Object.fromEntries(volumeSourcesOf(x).map((k) => [k, Reflect.get(x.spec ?? {}, k)]));
  if (!deepEqual(pick(pv), pick(old))) {
    errs.push(
      fieldErrors.forbidden(
        specPath.child("persistentvolumesource"),
        "spec.persistentvolumesource is immutable after creation",
      ),
    );
  }
  if (pv.spec?.volumeMode !== old.spec?.volumeMode) {
    errs.push(
      fieldErrors.invalid(specPath.child("volumeMode"), pv.spec?.volumeMode ?? null, "field is immutable"),
    );
  }
  if (old.spec?.nodeAffinity && !deepEqual(pv.spec?.nodeAffinity, old.spec.nodeAffinity)) {
    errs.push(fieldErrors.invalid(specPath.child("nodeAffinity"), "object", "field is immutable once set"));
  }
  return errs;
}

/** GetPersistentVolumeClass: the beta annotation wins over spec.storageClassName. */
export function storageClassOf(obj: {
  metadata?: { annotations?: Record<string, string> };
  spec?: { storageClassName?: string };
}): string {
  return (
    obj.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"] ?? obj.spec?.storageClassName ?? ""
  );
}

export function quantityText(value: unknown): string {
  if (value === undefined || value === null) return "0";
  return Quantity.tryParse(String(value))?.toString() ?? String(value);
}

export const persistentVolumeTable: TableConvertor<Obj<PersistentVolume>> = {
  columns: [
    nameColumn,
    column("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
    column("Access Modes", "accessModes contains all ways the volume can be mounted."),
    column(
      "Reclaim Policy",
      "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.",
    ),
    column("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
    column(
      "Claim",
      "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.",
    ),
    column(
      "StorageClass",
      "storageClassName is the name of StorageClass to which this persistent volume belongs.",
    ),
    column("VolumeAttributesClass", "Name of VolumeAttributesClass to which this persistent volume belongs."),
    column(
      "Reason",
      "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.",
    ),
    ageColumn,
    column(
      "VolumeMode",
      "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.",
      { wide: true },
    ),
  ],
  cells(pv, now) {
    const spec = pv.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ""}/${spec.claimRef.name ?? ""}` : "";
    const phase = pv.metadata?.deletionTimestamp ? "Terminating" : (pv.status?.phase ?? "");
    return [
      pv.metadata?.name ?? "",
      quantityText(spec.capacity?.storage),
      accessModesText(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? "",
      phase,
      claim,
      storageClassOf(pv),
      spec.volumeAttributesClassName || "<unset>",
      pv.status?.reason ?? "",
      age(pv.metadata?.creationTimestamp, now),
      spec.volumeMode ?? "<unset>",
    ];
  },
};

export const persistentVolumes = defineResource<Obj<PersistentVolume>>({
  group: "",
  version: "v1",
  resource: "persistentvolumes",
  singular: "persistentvolume",
  kind: "PersistentVolume",
  namespaced: false,
  shortNames: ["pv"],
  hasStatus: true,
  strategy: {
    defaults(pv) {
      pv.spec ??= {};
      pv.spec.persistentVolumeReclaimPolicy ||= "Retain";
      pv.spec.volumeMode ||= "Filesystem";
      canonicalizeResourceList(pv.spec.capacity);
      if (pv.spec.hostPath) pv.spec.hostPath.type ??= "";
    },
    prepareForCreate(pv) {
      Object.assign(pv, { status: { phase: "Pending" } });
    },
    validate: validatePersistentVolume,
    validateUpdate: validatePersistentVolumeUpdate,
    table: persistentVolumeTable,
    // Kubernetes keeps "name" as a field label for backward compatibility.
    fieldSelectors: { name: (x) => x.metadata?.name ?? "" },
  },
});
