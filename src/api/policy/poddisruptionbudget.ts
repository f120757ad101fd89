// policy/v1 PodDisruptionBudget: minAvailable xor maxUnavailable, selector, eviction policy,
// and the Min Available/Max Unavailable/Allowed Disruptions table.
import type { PodDisruptionBudget as PdbV1 } from "kubernetes-types/policy/v1.js";
import {
  nameIsDnsSubdomain,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import { ageColumn, column, intOrStringText, type Kube, nameColumn, setStatus } from "../apps/printing.ts";
import { validateNotMoreThan100Percent, validatePositiveIntOrPercent } from "../apps/validation.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef } from "../resource.ts";

export type PodDisruptionBudget = Kube<PdbV1>;

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };
const evictionPolicies = ["IfHealthyBudget", "AlwaysAllow"];

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const errs = validateObjectMeta(pdb.metadata, metaOptions);
  const s = pdb.spec ?? {};
  if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) {
    errs.push(fieldErrors.invalid(spec, s, "minAvailable and maxUnavailable cannot be both set"));
  }
  for (const key of ["minAvailable", "maxUnavailable"] as const) {
    errs.push(...validatePositiveIntOrPercent(s[key], spec.child(key)));
    errs.push(...validateNotMoreThan100Percent(s[key], spec.child(key)));
  }
  errs.push(...validateLabelSelector(s.selector, spec.child("selector")));
  if (
    s.unhealthyPodEvictionPolicy !== undefined &&
    !evictionPolicies.includes(s.unhealthyPodEvictionPolicy)
  ) {
    errs.push(
      fieldErrors.notSupported(
        spec.child("unhealthyPodEvictionPolicy"),
        s.unhealthyPodEvictionPolicy,
        evictionPolicies,
      ),
    );
  }
  return errs;
}

export const poddisruptionbudgets: ResourceDef<PodDisruptionBudget> = {
  group: "policy",
  version: "v1",
  resource: "poddisruptionbudgets",
  singular: "poddisruptionbudget",
  kind: "PodDisruptionBudget",
  namespaced: true,
  shortNames: ["pdb"],
  hasStatus: true,
  strategy: {
    prepareForCreate(pdb) {
      setStatus(pdb, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    },
    validate: validatePodDisruptionBudget,
    validateUpdate: (pdb, old) => [
      ...validateObjectMetaUpdate(pdb.metadata, old.metadata, metaOptions),
      ...validatePodDisruptionBudget(pdb),
    ],
    table: {
      columns: [
        nameColumn,
        column("Min Available", "The minimum number of pods that must be available."),
        column("Max Unavailable", "The maximum number of pods that may be unavailable."),
        column("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.", {
          type: "integer",
        }),
        ageColumn,
      ],
      cells: (pdb, now) => [
        pdb.metadata?.name ?? "",
        pdb.spec?.minAvailable === undefined ? "N/A" : intOrStringText(pdb.spec.minAvailable),
        pdb.spec?.maxUnavailable === undefined ? "N/A" : intOrStringText(pdb.spec.maxUnavailable),
        pdb.status?.disruptionsAllowed ?? 0,
        age(pdb.metadata?.creationTimestamp, now),
      ],
    },
  },
};
