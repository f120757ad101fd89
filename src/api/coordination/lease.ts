// coordination.k8s.io/v1 Lease (node heartbeats, leader election): validation and Holder table.
import type { Lease as LeaseV1 } from "kubernetes-types/coordination/v1.js";
import {
  nameIsDnsSubdomain,
  validateNonnegative,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef } from "../resource.ts";

export type Lease = Kube<LeaseV1>;

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };

export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, metaOptions);
  const d = lease.spec?.leaseDurationSeconds;
  if (d !== undefined && d <= 0)
    errs.push(fieldErrors.invalid(spec.child("leaseDurationSeconds"), d, "must be greater than 0"));
  errs.push(...validateNonnegative(lease.spec?.leaseTransitions, spec.child("leaseTransitions")));
  return errs;
}

export const leases: ResourceDef<Lease> = {
  group: "coordination.k8s.io",
  version: "v1",
  resource: "leases",
  singular: "lease",
  kind: "Lease",
  namespaced: true,
  strategy: {
    validate: validateLease,
    validateUpdate: (l, old) => [
      ...validateObjectMetaUpdate(l.metadata, old.metadata, metaOptions),
      ...validateLease(l),
    ],
    table: {
      columns: [
        nameColumn,
        column("Holder", "holderIdentity contains the identity of the holder of a current lease."),
        ageColumn,
      ],
      cells: (l, now) => [
        l.metadata?.name ?? "",
        l.spec?.holderIdentity ?? "",
        age(l.metadata?.creationTimestamp, now),
      ],
    },
  },
};
