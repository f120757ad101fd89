// Structural validation of ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding, after
// Kubernetes' pkg/apis/admissionregistration/validation (the CEL expressions themselves are
// compiled by the API server's policy admission, which owns the CEL engine).
import type {
  MatchResources,
  ValidatingAdmissionPolicyBindingSpec,
  ValidatingAdmissionPolicySpec,
} from "kubernetes-types/admissionregistration/v1.js";
import { validateLabelSelector } from "../apps/coredeps.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { isQualifiedName } from "../validation/names.ts";
import { validateRule, type WebhookRule } from "./validation.ts";

const failurePolicies = ["Fail", "Ignore"];
const matchPolicies = ["Equivalent", "Exact"];
const reasons = ["Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge"];
const actions = ["Deny", "Warn", "Audit"];
const notFoundActions = ["Allow", "Deny"];
const celIdentifier = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** NamedRuleWithOperations: a webhook rule plus resourceNames. */
export type PolicyRule = WebhookRule & { resourceNames?: string[] };

export function policyRules(rules: unknown): PolicyRule[] {
  return (rules ?? []) as PolicyRule[];
}

export function validateMatchResources(
  m: MatchResources | undefined,
  at: FieldPath,
  required: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!m) return required ? [fieldErrors.required(at, "")] : [];
  const rules = policyRules(m.resourceRules);
  if (required && rules.length === 0) errs.push(fieldErrors.required(at.child("resourceRules"), ""));
  rules.forEach((r, i) => {
    errs.push(...validateRule(r, at.child("resourceRules").index(i)));
  });
  policyRules(m.excludeResourceRules).forEach((r, i) => {
    errs.push(...validateRule(r, at.child("excludeResourceRules").index(i)));
  });
  if (m.matchPolicy !== undefined && !matchPolicies.includes(m.matchPolicy))
    errs.push(fieldErrors.notSupported(at.child("matchPolicy"), m.matchPolicy, matchPolicies));
  if (m.namespaceSelector)
    errs.push(...validateLabelSelector(m.namespaceSelector, at.child("namespaceSelector")));
  if (m.objectSelector) errs.push(...validateLabelSelector(m.objectSelector, at.child("objectSelector")));
  return errs;
}

function required(value: string | undefined, at: FieldPath): FieldError[] {
  return value ? [] : [fieldErrors.required(at, "")];
}

export function validatePolicySpec(spec: ValidatingAdmissionPolicySpec | undefined): FieldError[] {
  const at = FieldPath.root("spec");
  const errs: FieldError[] = [];
  const validations = spec?.validations ?? [];
  const audits = spec?.auditAnnotations ?? [];
  if (validations.length === 0 && audits.length === 0)
    errs.push(
      fieldErrors.required(
        at.child("validations"),
        "validations or auditAnnotations must contain at least one item",
      ),
    );
  if (spec?.failurePolicy !== undefined && !failurePolicies.includes(spec.failurePolicy))
    errs.push(fieldErrors.notSupported(at.child("failurePolicy"), spec.failurePolicy, failurePolicies));
  if (spec?.paramKind) {
    errs.push(...required(spec.paramKind.apiVersion, at.child("paramKind").child("apiVersion")));
    errs.push(...required(spec.paramKind.kind, at.child("paramKind").child("kind")));
  }
  errs.push(...validateMatchResources(spec?.matchConstraints, at.child("matchConstraints"), true));
  validations.forEach((v, i) => {
    const p = at.child("validations").index(i);
    errs.push(...required(v.expression?.trim(), p.child("expression")));
    if (v.message !== undefined && /[\r\n]/.test(v.message))
      errs.push(fieldErrors.invalid(p.child("message"), v.message, "message must not contain line breaks"));
    if (v.reason !== undefined && !reasons.includes(v.reason))
      errs.push(fieldErrors.notSupported(p.child("reason"), v.reason, reasons));
  });
  const conditionNames = new Set<string>();
  (spec?.matchConditions ?? []).forEach((c, i) => {
    const p = at.child("matchConditions").index(i);
    if (!c.name) errs.push(fieldErrors.required(p.child("name"), ""));
    else {
      for (const msg of isQualifiedName(c.name)) errs.push(fieldErrors.invalid(p.child("name"), c.name, msg));
      if (conditionNames.has(c.name)) errs.push(fieldErrors.duplicate(p.child("name"), c.name));
      conditionNames.add(c.name);
    }
    errs.push(...required(c.expression?.trim(), p.child("expression")));
  });
  (spec?.variables ?? []).forEach((v, i) => {
    const p = at.child("variables").index(i);
    if (!v.name) errs.push(fieldErrors.required(p.child("name"), ""));
    else if (!celIdentifier.test(v.name))
      errs.push(fieldErrors.invalid(p.child("name"), v.name, "name is not a valid CEL identifier"));
    errs.push(...required(v.expression?.trim(), p.child("expression")));
  });
  const keys = new Set<string>();
  audits.forEach((a, i) => {
    const p = at.child("auditAnnotations").index(i);
    if (!a.key) errs.push(fieldErrors.required(p.child("key"), ""));
    else {
      for (const msg of isQualifiedName(`x/${a.key}`))
        errs.push(fieldErrors.invalid(p.child("key"), a.key, msg));
      if (keys.has(a.key)) errs.push(fieldErrors.duplicate(p.child("key"), a.key));
      keys.add(a.key);
    }
    errs.push(...required(a.valueExpression?.trim(), p.child("valueExpression")));
  });
  return errs;
}

export function validateBindingSpec(spec: ValidatingAdmissionPolicyBindingSpec | undefined): FieldError[] {
  const at = FieldPath.root("spec");
  const errs: FieldError[] = [...required(spec?.policyName, at.child("policyName"))];
  const acts = spec?.validationActions ?? [];
  if (acts.length === 0) errs.push(fieldErrors.required(at.child("validationActions"), ""));
  const seen = new Set<string>();
  acts.forEach((a, i) => {
    const p = at.child("validationActions").index(i);
    if (!actions.includes(a)) errs.push(fieldErrors.notSupported(p, a, actions));
    if (seen.has(a)) errs.push(fieldErrors.duplicate(p, a));
    seen.add(a);
  });
  if (seen.has("Deny") && seen.has("Warn"))
    errs.push(
      fieldErrors.invalid(
        at.child("validationActions"),
        acts,
        "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)",
      ),
    );
  const ref = spec?.paramRef;
  if (ref) {
    const p = at.child("paramRef");
    if (ref.name && ref.selector)
      errs.push(fieldErrors.forbidden(p.child("name"), "name and selector are mutually exclusive"));
    if (!ref.name && !ref.selector)
      errs.push(fieldErrors.required(p, "one of name or selector must be specified"));
    if (ref.selector) errs.push(...validateLabelSelector(ref.selector, p.child("selector")));
    if (ref.parameterNotFoundAction === undefined)
      errs.push(fieldErrors.required(p.child("parameterNotFoundAction"), ""));
    else if (!notFoundActions.includes(ref.parameterNotFoundAction))
      errs.push(
        fieldErrors.notSupported(
          p.child("parameterNotFoundAction"),
          ref.parameterNotFoundAction,
          notFoundActions,
        ),
      );
  }
  errs.push(...validateMatchResources(spec?.matchResources, at.child("matchResources"), false));
  return errs;
}
