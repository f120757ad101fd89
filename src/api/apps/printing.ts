// Cell formatting shared by the Table convertors of the non-core groups, after kubectl's
// printers (pkg/printers/internalversion): container lists, owners, column helpers.
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { KubeObject } from "../object.ts";
import type { TableColumn } from "../resource.ts";

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

/** A column of type string unless told; `wide` makes it priority 1 (shown with `-o wide`). */
export function column(
  name: string,
  description: string,
  options: { type?: TableColumn["type"]; wide?: boolean } = {},
): TableColumn {
  return { name, type: options.type ?? "string", description, priority: options.wide ? 1 : 0 };
}

/** The wide Containers/Images columns every workload printer has. */
export const containerColumns: readonly TableColumn[] = [
  column("Containers", "Names of each container in the template.", { wide: true }),
  column("Images", "Images referenced by each container in the template.", { wide: true }),
];

/** Container names and images of a template, each comma-joined (layoutContainerCells). */
export function containerCells(template: PodTemplateSpec | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image ?? "").join(",")];
}

/** intstr.IntOrString.String(). */
export function intOrStringText(value: number | string): string {
  return typeof value === "number" ? String(value) : value;
}

/** metav1.GetControllerOf. */
export function controllerOf(owners: readonly OwnerReference[] | undefined): OwnerReference | undefined {
  return owners?.find((o) => o.controller === true);
}

/** `lowercase(kind.group)/name` as printers.formatResourceName writes a controller reference. */
export function formatOwnerName(owner: OwnerReference): string {
  const slash = owner.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : owner.apiVersion.slice(0, slash);
  const kind = group === "" ? owner.kind : `${owner.kind}.${group}`;
  return kind === "" ? owner.name : `${kind.toLowerCase()}/${owner.name}`;
}

/** A kubernetes-types kind as a KubeObject (those interfaces lack the index signature). */
export type Kube<T> = T & KubeObject;

/** Replaces an object's status (kubernetes-types declares status readonly; the server owns it). */
export function setStatus(obj: KubeObject, status: Record<string, unknown>): void {
  obj.status = status;
}
