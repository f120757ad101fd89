// metav1.LabelSelector validation (apimachinery's meta/v1/validation) and matching of selectors
// against label sets, shared by services, controllers and the apps/batch kinds.
import type { LabelSelector, LabelSelectorRequirement } from "kubernetes-types/meta/v1.js";
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import { isValidLabelValue } from "./names.ts";
import { validateLabelName, validateLabels } from "./objectmeta.ts";

const operators = ["In", "NotIn", "Exists", "DoesNotExist"];

export function validateLabelSelectorRequirement(req: LabelSelectorRequirement, at: FieldPath): FieldError[] {
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
    default:
      errs.push(fieldErrors.invalid(at.child("operator"), req.operator, "not a valid selector operator"));
  }
  errs.push(...validateLabelName(req.key ?? "", at.child("key")));
  values.forEach((v, i) => {
    for (const msg of isValidLabelValue(v))
      errs.push(fieldErrors.invalid(at.child("values").index(i), v, msg));
  });
  return errs;
}

export function validateLabelSelector(selector: LabelSelector | undefined, at: FieldPath): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, at.child("matchLabels"));
  (selector.matchExpressions ?? []).forEach((req, i) => {
    errs.push(...validateLabelSelectorRequirement(req, at.child("matchExpressions").index(i)));
  });
  return errs;
}

/** True when the label set satisfies the selector. An empty selector matches everything. */
export function labelSelectorMatches(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const set = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (set[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(set, req.key);
    const value = set[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case "NotIn":
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when a selector has neither matchLabels nor matchExpressions (selects everything). */
export function isEmptyLabelSelector(selector: LabelSelector | undefined): boolean {
  return (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  );
}

/** apimachinery's selector String(): requirements sorted by key, `app=web,tier in (a,b),!x`. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return "<none>";
  const parts: [string, string][] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) parts.push([k, `${k}=${v}`]);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(",");
    if (req.operator === "In") parts.push([req.key, `${req.key} in (${values})`]);
    else if (req.operator === "NotIn") parts.push([req.key, `${req.key} notin (${values})`]);
    else if (req.operator === "Exists") parts.push([req.key, req.key]);
    else if (req.operator === "DoesNotExist") parts.push([req.key, `!${req.key}`]);
  }
  if (parts.length === 0) return "<none>";
  return parts
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((p) => p[1])
    .join(",");
}

/** A map selector (services, RCs) in the same form: `app=web,tier=fe`. */
export function formatMapSelector(selector: Record<string, string> | undefined): string {
  return formatLabelSelector({ matchLabels: selector ?? {} });
}

export { operators as labelSelectorOperators };
