// The configmaps resource: key syntax, the 1 MiB size limit and the `immutable` flag.
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { isConfigMapKey, nameIsDnsSubdomain } from "../validation/names.ts";
import { deepEqual } from "../validation/objectmeta.ts";
import { ageColumn, column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";

/** core.MaxSecretSize, shared by ConfigMaps and Secrets. */
export const maxDataSize = 1024 * 1024;
const meta = metaValidation(true, nameIsDnsSubdomain);

export function validateDataKeys(data: Record<string, unknown> | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(data ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(at.key(key), key, msg));
  }
  return errs;
}

function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = meta.create(cm.metadata);
  errs.push(...validateDataKeys(cm.data, FieldPath.root("data")));
  errs.push(...validateDataKeys(cm.binaryData, FieldPath.root("binaryData")));
  // Only values count towards the limit, as in Kubernetes.
  let size = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    if (cm.binaryData && Object.hasOwn(cm.binaryData, k)) {
      errs.push(
        fieldErrors.invalid(FieldPath.root("data").key(k), k, "duplicate of key present in binaryData"),
      );
    }
    size += Buffer.byteLength(String(v));
  }
  for (const v of Object.values(cm.binaryData ?? {})) size += Buffer.from(String(v), "base64").length;
  if (size > maxDataSize) errs.push(fieldErrors.tooLong(FieldPath.root(""), "", maxDataSize));
  return errs;
}

/** The immutable-flag rules shared by ConfigMaps and Secrets. */
export function validateImmutableData(
  next: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  old: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  dataFields: readonly ("data" | "binaryData")[],
): FieldError[] {
  if (!old.immutable) return [];
  const errs: FieldError[] = [];
  if (!next.immutable)
    errs.push(fieldErrors.forbidden("immutable", "field is immutable when `immutable` is set"));
  for (const f of dataFields) {
    if (!deepEqual(next[f] ?? {}, old[f] ?? {}))
      errs.push(fieldErrors.forbidden(f, "field is immutable when `immutable` is set"));
  }
  return errs;
}

export const configMaps = defineResource<Obj<ConfigMap>>({
  group: "",
  version: "v1",
  resource: "configmaps",
  singular: "configmap",
  kind: "ConfigMap",
  namespaced: true,
  shortNames: ["cm"],
  strategy: {
    validate: validateConfigMap,
    validateUpdate: (cm, old) => [
      ...meta.update(cm.metadata, old.metadata),
      ...validateImmutableData(cm, old, ["data", "binaryData"]),
    ],
    table: {
      columns: [
        nameColumn,
        column("Data", "Data contains the configuration data.", { type: "integer" }),
        ageColumn,
      ],
      cells: (cm, now) => [
        cm.metadata?.name ?? "",
        Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
        age(cm.metadata?.creationTimestamp, now),
      ],
    },
  },
});
