// Table column helpers shared by every kind's printer (kubectl's printers: Name and Age columns,
// wide columns, container cells).
import type { Container } from "kubernetes-types/core/v1.js";
import type { TableColumn } from "./resource.ts";

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

/** layoutContainerCells: container names and images, comma-separated. */
export function containerCells(containers: Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(","), list.map((c) => c.image ?? "").join(",")];
}
