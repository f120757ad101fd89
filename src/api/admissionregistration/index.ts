// The admissionregistration.k8s.io/v1 group: webhook configurations and admission policies.
import type { ResourceDef } from "../resource.ts";
import { validatingAdmissionPolicies, validatingAdmissionPolicyBindings } from "./policies.ts";
import { mutatingWebhookConfigurations, validatingWebhookConfigurations } from "./webhookconfigurations.ts";

export function admissionregistrationResources(): ResourceDef[] {
  return [
    mutatingWebhookConfigurations,
    validatingWebhookConfigurations,
    validatingAdmissionPolicies,
    validatingAdmissionPolicyBindings,
  ] as unknown as ResourceDef[];
}
