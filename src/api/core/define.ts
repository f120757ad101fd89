// Small building blocks shared by the core kind modules: typing a ResourceDef for a
// kubernetes-types kind, table columns, metadata validation per kind, and common cell formats.
import type { FieldError } from "../field.ts";
import type { KubeObject, ObjectMeta } from "../object.ts";
import type { ResourceDef } from "../resource.ts";
import type { NameValidator } from "../validation/names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "../validation/objectmeta.ts";

/** A kubernetes-types kind viewed as a stored object. */
export type Obj<T> = T & KubeObject;

/**
 * Erases the kind type for the registry. Strategy hooks only ever receive objects of their own
 * kind (the generic handler looks the def up by kind), so the widening is sound in practice.
 */
export function defineResource<T extends KubeObject>(def: ResourceDef<T>): ResourceDef {
  return def as unknown as ResourceDef;
}

/** Metadata validation hooks for a kind: on every write, and the extra update-only rules. */
export function metaValidation(namespaced: boolean, nameFn: NameValidator) {
  return {
    create: (meta: ObjectMeta | undefined): FieldError[] => validateObjectMeta(meta, { namespaced, nameFn }),
    update: (meta: ObjectMeta | undefined, old: ObjectMeta | undefined): FieldError[] =>
      validateObjectMetaUpdate(meta, old, { namespaced, nameFn }),
  };
}

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
export { ageColumn, column, containerCells, nameColumn } from "../table.ts";

export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels?.[k] ?? ""}`).join(",");
}

/** Field-selector form of a boolean (`spec.unschedulable=true`). */
export function boolField(value: boolean | undefined): string {
  return value ? "true" : "false";
}
