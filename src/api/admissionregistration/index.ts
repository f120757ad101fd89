// The admissionregistration.k8s.io/v1 group: webhook configurations.
import type { ResourceDef } from "../resource.ts";
import { mutatingWebhookConfigurations, validatingWebhookConfigurations } from "./webhookconfigurations.ts";

export function admissionregistrationResources(): ResourceDef[] {
  return [mutatingWebhookConfigurations, validatingWebhookConfigurations] as unknown as ResourceDef[];
}
