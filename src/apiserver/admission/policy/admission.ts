// The ValidatingAdmissionPolicy admission plugin: for every binding whose policy and match
// resources select the request, evaluates the policy once per param object and applies the
// binding's validationActions — Deny refuses with Kubernetes' message, Warn adds a Warning
// header, Audit adds an audit annotation. Writes of policies and bindings are exempt (a broken
// policy must stay removable) but have their expressions compiled first (422 on errors).
import type { Namespace } from "kubernetes-types/core/v1.js";
import {
  type ValidatingAdmissionPolicy,
  type ValidatingAdmissionPolicyBinding,
  validatingAdmissionPolicies,
  validatingAdmissionPolicyBindings,
} from "../../../api/admissionregistration/policies.ts";
import { admissionRegistrationGroup } from "../../../api/admissionregistration/webhookconfigurations.ts";
import { namespaces } from "../../../api/core/namespace.ts";
import { InvalidError } from "../../../api/errors.ts";
import type { KubeObject } from "../../../api/object.ts";
import type { Registry } from "../../../api/registry.ts";
import type { ResourceDef } from "../../../api/resource.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../../admission.ts";
import type { DecisionAuthorizer } from "../../auth/attributes.ts";
import { fromJson } from "../../cel/index.ts";
import type { ObjectSource } from "../../rest/source.ts";
import { activeDecisions, type BoundDecision, denialError, recordAudit, warningText } from "./actions.ts";
import { requestActivation } from "./activation.ts";
import { compilePolicy, PolicyCache, policyCompileErrors } from "./compiler.ts";
import { matchResourcesMatch } from "./matching.ts";
import { resolveParams } from "./params.ts";
import { evaluatePolicy } from "./validator.ts";

export interface PolicyAdmissionOptions {
  source: ObjectSource;
  registry: Registry;
  /** Answers `authorizer` checks in expressions; without it every check is not allowed. */
  authorizer?: DecisionAuthorizer;
}

const policyDef = validatingAdmissionPolicies as unknown as ResourceDef;
const bindingDef = validatingAdmissionPolicyBindings as unknown as ResourceDef;
const nsDef = namespaces as unknown as ResourceDef;

async function namespaceOf(
  source: ObjectSource,
  attrs: AdmissionAttributes,
): Promise<KubeObject | undefined> {
  if (!attrs.def.namespaced || !attrs.namespace) return undefined;
  return (
    source.peek?.(nsDef, "", attrs.namespace) ??
    (await source.list(nsDef, {})).items.find((n) => n.metadata?.name === attrs.namespace)
  );
}

function checkPolicyExpressions(attrs: AdmissionAttributes): void {
  if (attrs.def.resource !== policyDef.resource || !attrs.object || attrs.operation === "DELETE") return;
  const policy = attrs.object as ValidatingAdmissionPolicy;
  const errs = policyCompileErrors(compilePolicy(policy));
  if (errs.length > 0)
    throw new InvalidError(policyDef.group, policyDef.kind, policy.metadata?.name ?? "", errs);
}

function configDenial(message: string): BoundDecision["decision"] {
  return {
    action: "deny",
    message: `failed to configure binding: ${message}`,
    reason: "Invalid",
    expressionIndex: 0,
  };
}

export function validatingAdmissionPolicyAdmission(options: PolicyAdmissionOptions): AdmissionPlugin {
  const cache = new PolicyCache();
  const decide = options.authorizer ? options.authorizer.decide.bind(options.authorizer) : undefined;

  async function decisionsFor(attrs: AdmissionAttributes): Promise<BoundDecision[]> {
    const bindings = (await options.source.list(bindingDef, {})).items as ValidatingAdmissionPolicyBinding[];
    if (bindings.length === 0) return [];
    const policies = new Map(
      ((await options.source.list(policyDef, {})).items as ValidatingAdmissionPolicy[]).map((p) => [
        p.metadata?.name ?? "",
        p,
      ]),
    );
    cache.retain(new Set([...policies.values()].map((p) => p.metadata?.uid ?? p.metadata?.name ?? "")));
    const namespace = await namespaceOf(options.source, attrs);
    const nsLabels = (namespace as Namespace | undefined)?.metadata?.labels;
    const base = requestActivation(attrs, namespace, decide);
    const out: BoundDecision[] = [];
    bindings.sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));
    for (const binding of bindings) {
      const policy = policies.get(binding.spec?.policyName ?? "");
      if (!policy) continue;
      if (!matchResourcesMatch(policy.spec?.matchConstraints, attrs, nsLabels, { requireRules: true }))
        continue;
      if (!matchResourcesMatch(binding.spec?.matchResources, attrs, nsLabels, { requireRules: false }))
        continue;
      const failurePolicy = policy.spec?.failurePolicy ?? "Fail";
      const bound = { policy, binding };
      const params = await resolveParams(options, policy, binding, attrs.namespace);
      if (params.kind !== "params") {
        // Configuration errors deny under failurePolicy Fail whatever the binding's actions are.
        const message =
          params.kind === "error"
            ? params.message
            : "no params found for policy binding with `Deny` parameterNotFoundAction";
        if (failurePolicy !== "Ignore")
          out.push({ ...bound, configuration: true, decision: configDenial(message) });
        continue;
      }
      const compiled = cache.get(policy);
      for (const param of params.objects) {
        const result = evaluatePolicy({
          compiled,
          failurePolicy,
          bindings: { ...base, params: param ? fromJson(param) : null },
        });
        for (const d of result.decisions) out.push({ ...bound, decision: d });
        for (const a of result.auditAnnotations) {
          attrs.auditAnnotations ??= {};
          attrs.auditAnnotations[`${policy.metadata?.name ?? ""}/${a.key}`] ??= a.value;
        }
      }
    }
    return out;
  }

  return {
    name: "ValidatingAdmissionPolicy",
    async validate(attrs) {
      if (attrs.def.group === admissionRegistrationGroup) {
        checkPolicyExpressions(attrs);
        return;
      }
      const failures = activeDecisions(await decisionsFor(attrs));
      for (const f of failures.warn) attrs.warnings?.push(warningText(f));
      if (failures.audit.length > 0) recordAudit(attrs, failures.audit);
      const denied = failures.deny[0];
      if (denied) throw denialError(attrs, denied);
    },
  };
}
