// Cell formatting shared by the Table convertors of the non-core groups, after kubectl's
// printers (pkg/printers/internalversion): container lists, owners, column helpers.
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { KubeObject } from "../object.ts";
import type { TableColumn } from "../resource.ts";
import { column, containerCells as podContainerCells } from "../table.ts";

export { ageColumn, column, nameColumn } from "../table.ts";

/** The wide Containers/Images columns every workload printer has. */
export const containerColumns: readonly TableColumn[] = [
  column("Containers", "Names of each container in the template.", { wide: true }),
  column("Images", "Images referenced by each container in the template.", { wide: true }),
];

/** Container names and images of a template, each comma-joined (layoutContainerCells). */
export function containerCells(template: PodTemplateSpec | undefined): [string, string] {
  return podContainerCells(template?.spec?.containers);
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
