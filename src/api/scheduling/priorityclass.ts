// scheduling.k8s.io/v1 PriorityClass: validation (reserved system- names and values above one
// billion, immutable value and preemptionPolicy), defaults and the kubectl table; the two
// built-in classes every cluster has.
import type { PriorityClass as PriorityClassV1 } from "kubernetes-types/scheduling/v1.js";
import {
  nameIsDnsSubdomain,
  validateImmutable,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef } from "../resource.ts";

export type PriorityClass = Kube<PriorityClassV1>;

/** Values above this are for the system classes only (scheduling.HighestUserDefinablePriority). */
export const highestUserDefinablePriority = 1_000_000_000;
export const systemCriticalPriority = 2 * highestUserDefinablePriority;

/** The classes the API server creates at start-up (scheduling.SystemPriorityClasses). */
export const systemPriorityClasses: readonly { name: string; value: number; description: string }[] = [
  {
    name: "system-node-critical",
    value: systemCriticalPriority + 1000,
    description: "Used for system critical pods that must not be moved from their current node.",
  },
  {
    name: "system-cluster-critical",
    value: systemCriticalPriority,
    description:
      "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
  },
];

const preemptionPolicies = ["PreemptLowerPriority", "Never"];
const metaOptions = { namespaced: false, nameFn: nameIsDnsSubdomain };

export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs = validateObjectMeta(pc.metadata, metaOptions);
  const name = pc.metadata?.name ?? "";
  const system = systemPriorityClasses.find((s) => s.name === name);
  if (system) {
    if (pc.value !== system.value)
      errs.push(
        fieldErrors.forbidden(
          FieldPath.root("metadata").child("name"),
          `${name} is a system priority class name and its value must be ${system.value}`,
        ),
      );
  } else if (name.startsWith("system-")) {
    errs.push(
      fieldErrors.forbidden(
        FieldPath.root("metadata").child("name"),
        "priority class names with 'system-' prefix are reserved for system use only",
      ),
    );
  } else if (typeof pc.value === "number" && pc.value > highestUserDefinablePriority) {
    errs.push(
      fieldErrors.forbidden(
        FieldPath.root("value"),
        `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`,
      ),
    );
  }
  const policy = pc.preemptionPolicy;
  if (policy !== undefined && !preemptionPolicies.includes(policy))
    errs.push(fieldErrors.notSupported(FieldPath.root("preemptionPolicy"), policy, preemptionPolicies));
  return errs;
}

export const priorityclasses: ResourceDef<PriorityClass> = {
  group: "scheduling.k8s.io",
  version: "v1",
  resource: "priorityclasses",
  singular: "priorityclass",
  kind: "PriorityClass",
  namespaced: false,
  shortNames: ["pc"],
  strategy: {
    defaults(pc) {
      pc.preemptionPolicy ??= "PreemptLowerPriority";
      // int32 without omitempty in Go: an absent value is 0.
      (pc as { value?: number }).value ??= 0;
    },
    validate: validatePriorityClass,
    validateUpdate: (pc, old) => [
      ...validateObjectMetaUpdate(pc.metadata, old.metadata, metaOptions),
      ...validateImmutable(pc.value, old.value, FieldPath.root("value")),
      ...validateImmutable(pc.preemptionPolicy, old.preemptionPolicy, FieldPath.root("preemptionPolicy")),
    ],
    table: {
      columns: [
        nameColumn,
        column("Value", "Value is the integer value of this priority class.", { type: "integer" }),
        column("Global-Default", "GlobalDefault is the global default priority class.", { type: "boolean" }),
        ageColumn,
        column("PreemptionPolicy", "PreemptionPolicy is the policy for preempting pods with lower priority."),
      ],
      cells: (pc, now) => [
        pc.metadata?.name ?? "",
        pc.value,
        pc.globalDefault === true,
        age(pc.metadata?.creationTimestamp, now),
        pc.preemptionPolicy ?? "",
      ],
    },
  },
};
