// What a binding's validationActions make of failed validations: Deny → Kubernetes' error
// (`ValidatingAdmissionPolicy 'P' with binding 'B' denied request: MESSAGE`, reason and code from
// the validation), Warn → a Warning header, Audit → the validation_failure audit annotation.
import type { ValidatingAdmissionPolicyBinding } from "kubernetes-types/admissionregistration/v1.js";
import type { ValidatingAdmissionPolicy } from "../../../api/admissionregistration/policies.ts";
import { ApiError, qualifiedResource } from "../../../api/errors.ts";
import type { AdmissionAttributes } from "../../admission.ts";
import type { PolicyDecision } from "./validator.ts";

export interface BoundDecision {
  policy: ValidatingAdmissionPolicy;
  binding: ValidatingAdmissionPolicyBinding;
  decision: PolicyDecision;
  /** A configuration error (params missing or unresolvable): denies whatever validationActions say. */
  configuration?: boolean;
}

export const auditFailureKey = "validation.policy.admission.k8s.io/validation_failure";

const codes: Record<string, number> = {
  Forbidden: 403,
  Unauthorized: 401,
  RequestEntityTooLarge: 413,
  Invalid: 422,
};

export function activeDecisions(all: readonly BoundDecision[]): {
  deny: BoundDecision[];
  warn: BoundDecision[];
  audit: BoundDecision[];
} {
  const out = { deny: [] as BoundDecision[], warn: [] as BoundDecision[], audit: [] as BoundDecision[] };
  for (const d of all) {
    if (d.decision.action !== "deny") continue;
    if (d.configuration) {
      out.deny.push(d);
      continue;
    }
    const actions = d.binding.spec?.validationActions ?? [];
    if (actions.includes("Deny")) out.deny.push(d);
    if (actions.includes("Warn")) out.warn.push(d);
    if (actions.includes("Audit")) out.audit.push(d);
  }
  return out;
}

const names = (d: BoundDecision) => ({
  policy: d.policy.metadata?.name ?? "",
  binding: d.binding.metadata?.name ?? "",
});

export function warningText(d: BoundDecision): string {
  const { policy, binding } = names(d);
  return `Validation failed for ValidatingAdmissionPolicy '${policy}' with binding '${binding}': ${d.decision.message}`;
}

export function recordAudit(attrs: AdmissionAttributes, failures: readonly BoundDecision[]): void {
  const entries = failures.map((d) => ({
    message: d.decision.message,
    policy: names(d).policy,
    binding: names(d).binding,
    expressionIndex: d.decision.expressionIndex,
    validationActions: d.binding.spec?.validationActions ?? [],
  }));
  attrs.auditAnnotations ??= {};
  attrs.auditAnnotations[auditFailureKey] = JSON.stringify(entries);
}

/** admission.NewForbidden with the validation's reason and the matching code, as upstream builds it. */
export function denialError(attrs: AdmissionAttributes, d: BoundDecision): ApiError {
  const { policy, binding } = names(d);
  const text = `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${d.decision.message}`;
  const resource = qualifiedResource({ group: attrs.def.group, resource: attrs.def.resource });
  const message = attrs.name
    ? `${resource} "${attrs.name}" is forbidden: ${text}`
    : `${resource} is forbidden: ${text}`;
  const reason = d.decision.reason || "Invalid";
  return new ApiError(codes[reason] ?? 422, reason, message, {
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.def.group ? { group: attrs.def.group } : {}),
    kind: attrs.def.resource,
    causes: [{ message: text }],
  });
}
