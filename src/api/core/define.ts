// Small building blocks shared by the core kind modules: typing a ResourceDef for a
// kubernetes-types kind, table columns, metadata validation per kind, and common cell formats.
import type { Container } from "kubernetes-types/core/v1.js";
import type { FieldError } from "../field.ts";
import type { KubeObject, ObjectMeta } from "../object.ts";
import type { ResourceDef, TableColumn } from "../resource.ts";
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

export const nameColumn: TableColumn = {
  name: "Name",
  type: "string",
  format: "name",
  description:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};

export const ageColumn: TableColumn = {
  name: "Age",
  type: "string",
  description:
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  priority: 0,
};

/** A column definition; `wide` columns get priority 1 (shown with `-o wide`). */
export function column(
  name: string,
  description: string,
  opts: { type?: TableColumn["type"]; wide?: boolean } = {},
): TableColumn {
  return { name, type: opts.type ?? "string", format: "", description, priority: opts.wide ? 1 : 0 };
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
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels?.[k] ?? ""}`).join(",");
}

/** layoutContainerCells: container names and images, comma-separated. */
export function containerCells(containers: Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(","), list.map((c) => c.image ?? "").join(",")];
}

/** Field-selector form of a boolean (`spec.unschedulable=true`). */
export function boolField(value: boolean | undefined): string {
  return value ? "true" : "false";
}
