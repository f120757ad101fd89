// Validation pieces shared by the workload kinds (pkg/apis/apps/validation): int-or-percent
// fields, selector/template agreement, and the pod template rules of replica controllers.
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import {
  isEmptyLabelSelector,
  labelSelectorMatches,
  validateLabelSelector,
  validateNonnegative,
  validatePodTemplateSpec,
} from "./coredeps.ts";

const percentPattern = /^[0-9]+%$/;

/** The integer or the percentage number of an IntOrString; undefined when unparseable. */
export function intOrPercentValue(value: number | string | undefined): number | undefined {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  if (!percentPattern.test(value)) return undefined;
  return Number.parseInt(value.slice(0, -1), 10);
}

/** ValidatePositiveIntOrPercent: a non-negative int or a `N%` string. */
export function validatePositiveIntOrPercent(
  value: number | string | undefined,
  at: FieldPath,
): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === "string") {
    return percentPattern.test(value)
      ? []
      : [
          fieldErrors.invalid(
            at,
            value,
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
          ),
        ];
  }
  return validateNonnegative(value, at);
}

/** IsNotMoreThan100Percent (percent strings only). */
export function validateNotMoreThan100Percent(
  value: number | string | undefined,
  at: FieldPath,
): FieldError[] {
  if (typeof value !== "string") return [];
  const n = intOrPercentValue(value);
  return n !== undefined && n > 100 ? [fieldErrors.invalid(at, value, "must not be greater than 100%")] : [];
}

export interface SelectorCheckOptions {
  selector: LabelSelector | undefined;
  template: PodTemplateSpec | undefined;
  /** Path of the spec (`spec`, `spec.jobTemplate.spec`). */
  at: FieldPath;
  /** The kind named in the "empty selector is invalid for <kind>" message. */
  kindWord: string;
}

/** Selector required and non-empty, valid, and matching the template's labels. */
export function validateSelectorAndTemplate(opts: SelectorCheckOptions): FieldError[] {
  const { selector, template, at } = opts;
  const errs: FieldError[] = [];
  if (!selector) return [fieldErrors.required(at.child("selector"), "")];
  errs.push(...validateLabelSelector(selector, at.child("selector")));
  if (isEmptyLabelSelector(selector)) {
    errs.push(
      fieldErrors.invalid(at.child("selector"), selector, `empty selector is invalid for ${opts.kindWord}`),
    );
  } else if (template && !labelSelectorMatches(selector, template.metadata?.labels)) {
    errs.push(
      fieldErrors.invalid(
        at.child("template").child("metadata").child("labels"),
        template.metadata?.labels,
        "`selector` does not match template `labels`",
      ),
    );
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet minus the selector part: template valid, restartPolicy Always. */
export function validateReplicaTemplate(template: PodTemplateSpec | undefined, at: FieldPath): FieldError[] {
  if (!template) return [fieldErrors.required(at, "")];
  const errs = validatePodTemplateSpec(template, at);
  const spec = template.spec;
  if (spec?.restartPolicy !== "Always") {
    errs.push(
      fieldErrors.notSupported(at.child("spec").child("restartPolicy"), spec?.restartPolicy, ["Always"]),
    );
  }
  if (spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      fieldErrors.forbidden(
        at.child("spec").child("activeDeadlineSeconds"),
        "activeDeadlineSeconds in ReplicaSet is not Supported",
      ),
    );
  }
  return errs;
}
