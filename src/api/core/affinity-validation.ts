// Pod scheduling-constraint validation (validateAffinity, validateTopologySpreadConstraints): node
// selector terms and operators, weights, pod (anti-)affinity terms and topology spread constraints.
import type {
  Affinity,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinityTerm,
  TopologySpreadConstraint,
  WeightedPodAffinityTerm,
} from "kubernetes-types/core/v1.js";
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import { validateLabelSelector } from "../validation/labelselector.ts";
import { isValidLabelValue } from "../validation/names.ts";
import { validateLabelName } from "../validation/objectmeta.ts";

function validateNodeSelectorRequirement(req: NodeSelectorRequirement, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) {
        errs.push(
          fieldErrors.required(at.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"),
        );
      }
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) {
        errs.push(
          fieldErrors.forbidden(
            at.child("values"),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1 || !/^-?\d+$/.test(values[0] ?? "")) {
        errs.push(
          fieldErrors.required(
            at.child("values"),
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
          ),
        );
      }
      break;
    default:
      errs.push(fieldErrors.invalid(at.child("operator"), req.operator, "not a valid selector operator"));
  }
  errs.push(...validateLabelName(req.key, at.child("key")));
  return errs;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((req, i) => {
    errs.push(...validateNodeSelectorRequirement(req, at.child("matchExpressions").index(i)));
  });
  (term.matchFields ?? []).forEach((req, i) => {
    const p = at.child("matchFields").index(i);
    if (req.key !== "metadata.name")
      errs.push(fieldErrors.invalid(p.child("key"), req.key, "not a valid field selector key"));
    if (req.operator !== "In" && req.operator !== "NotIn") {
      errs.push(fieldErrors.invalid(p.child("operator"), req.operator, "not a valid selector operator"));
    } else if ((req.values ?? []).length !== 1) {
      errs.push(
        fieldErrors.required(
          p.child("values"),
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
    }
  });
  return errs;
}

function validatePodAffinityTerm(term: PodAffinityTerm, at: FieldPath): FieldError[] {
  const errs = validateLabelSelector(term.labelSelector, at.child("labelSelector"));
  errs.push(...validateLabelSelector(term.namespaceSelector, at.child("namespaceSelector")));
  (term.namespaces ?? []).forEach((ns) => {
    for (const msg of isValidLabelValue(ns)) errs.push(fieldErrors.invalid(at.child("namespaces"), ns, msg));
  });
  if (!term.topologyKey) errs.push(fieldErrors.required(at.child("topologyKey"), "can not be empty"));
  else errs.push(...validateLabelName(term.topologyKey, at.child("topologyKey")));
  return errs;
}

function validateWeight(weight: number, at: FieldPath): FieldError[] {
  return weight < 1 || weight > 100 ? [fieldErrors.invalid(at, weight, "must be in the range 1-100")] : [];
}

function validatePodAffinityTerms(
  required: PodAffinityTerm[] | undefined,
  preferred: WeightedPodAffinityTerm[] | undefined,
  at: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  (required ?? []).forEach((term, i) => {
    errs.push(
      ...validatePodAffinityTerm(term, at.child("requiredDuringSchedulingIgnoredDuringExecution").index(i)),
    );
  });
  (preferred ?? []).forEach((w, i) => {
    const p = at.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
    errs.push(...validateWeight(w.weight, p.child("weight")));
    errs.push(...validatePodAffinityTerm(w.podAffinityTerm, p.child("podAffinityTerm")));
  });
  return errs;
}

export function validateAffinity(affinity: Affinity | undefined, at: FieldPath): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const node = affinity.nodeAffinity;
  if (node) {
    const p = at.child("nodeAffinity");
    const required = node.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) {
      const rp = p.child("requiredDuringSchedulingIgnoredDuringExecution");
      const terms = required.nodeSelectorTerms ?? [];
      if (terms.length === 0)
        errs.push(
          fieldErrors.required(rp.child("nodeSelectorTerms"), "must have at least one node selector term"),
        );
      terms.forEach((term, i) => {
        errs.push(...validateNodeSelectorTerm(term, rp.child("nodeSelectorTerms").index(i)));
      });
    }
    (node.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((pref, i) => {
      const pp = p.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
      errs.push(...validateWeight(pref.weight, pp.child("weight")));
      errs.push(...validateNodeSelectorTerm(pref.preference, pp.child("preference")));
    });
  }
  const pod = affinity.podAffinity;
  if (pod) {
    errs.push(
      ...validatePodAffinityTerms(
        pod.requiredDuringSchedulingIgnoredDuringExecution,
        pod.preferredDuringSchedulingIgnoredDuringExecution,
        at.child("podAffinity"),
      ),
    );
  }
  const anti = affinity.podAntiAffinity;
  if (anti) {
    errs.push(
      ...validatePodAffinityTerms(
        anti.requiredDuringSchedulingIgnoredDuringExecution,
        anti.preferredDuringSchedulingIgnoredDuringExecution,
        at.child("podAntiAffinity"),
      ),
    );
  }
  return errs;
}

const unsatisfiableActions = ["DoNotSchedule", "ScheduleAnyway"];

export function validateTopologySpreadConstraints(
  constraints: TopologySpreadConstraint[] | undefined,
  at: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (constraints ?? []).forEach((c, i) => {
    const p = at.index(i);
    if (c.maxSkew <= 0)
      errs.push(fieldErrors.invalid(p.child("maxSkew"), c.maxSkew, "must be greater than zero"));
    if (!c.topologyKey) errs.push(fieldErrors.required(p.child("topologyKey"), "can not be empty"));
    else errs.push(...validateLabelName(c.topologyKey, p.child("topologyKey")));
    if (!unsatisfiableActions.includes(c.whenUnsatisfiable)) {
      errs.push(
        fieldErrors.notSupported(p.child("whenUnsatisfiable"), c.whenUnsatisfiable, unsatisfiableActions),
      );
    }
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0)
        errs.push(fieldErrors.invalid(p.child("minDomains"), c.minDomains, "must be greater than 0"));
      else if (c.whenUnsatisfiable !== "DoNotSchedule") {
        errs.push(
          fieldErrors.invalid(
            p.child("minDomains"),
            c.minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable}`,
          ),
        );
      }
    }
    const key = `{${c.topologyKey}, ${c.whenUnsatisfiable}}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(p, key));
    seen.add(key);
    errs.push(...validateLabelSelector(c.labelSelector, p.child("labelSelector")));
  });
  return errs;
}
