// apps/v1 ControllerRevision: immutable snapshots of DaemonSet/StatefulSet templates
// (what rollout history/undo use for them); Controller/Revision table.
import type { ControllerRevision as ControllerRevisionV1 } from "kubernetes-types/apps/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";
import {
  nameIsDnsSubdomain,
  validateImmutable,
  validateNonnegative,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./coredeps.ts";
import { ageColumn, column, controllerOf, formatOwnerName, type Kube, nameColumn } from "./printing.ts";

export type ControllerRevision = Kube<ControllerRevisionV1>;

const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };

export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, metaOptions);
  if (cr.data === undefined || cr.data === null)
    errs.push(fieldErrors.required(FieldPath.root("data"), "data is mandatory"));
  errs.push(...validateNonnegative(cr.revision, FieldPath.root("revision")));
  return errs;
}

export const controllerRevisionTable: TableConvertor<ControllerRevision> = {
  columns: [
    nameColumn,
    column("Controller", "Controller of the object"),
    column("Revision", "Revision indicates the revision of the state represented by Data."),
    ageColumn,
  ],
  cells(cr, now) {
    const owner = controllerOf(cr.metadata?.ownerReferences);
    return [
      cr.metadata?.name ?? "",
      owner ? formatOwnerName(owner) : "<none>",
      cr.revision,
      age(cr.metadata?.creationTimestamp, now),
    ];
  },
};

export const controllerrevisions: ResourceDef<ControllerRevision> = {
  group: "apps",
  version: "v1",
  resource: "controllerrevisions",
  singular: "controllerrevision",
  kind: "ControllerRevision",
  namespaced: true,
  strategy: {
    validate: validateControllerRevision,
    validateUpdate: (cr, old) => [
      ...validateObjectMetaUpdate(cr.metadata, old.metadata, metaOptions),
      ...validateImmutable(cr.data, old.data, FieldPath.root("data")),
    ],
    table: controllerRevisionTable,
  },
};
