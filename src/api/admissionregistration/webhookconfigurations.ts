// admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and ValidatingWebhookConfiguration:
// v1 defaults (failurePolicy Fail, matchPolicy Equivalent, empty selectors, scope *, timeout 10s,
// service port 443, reinvocationPolicy Never), validation and the NAME/WEBHOOKS/AGE table.
import type {
  MutatingWebhookConfiguration as MutatingV1,
  ValidatingWebhookConfiguration as ValidatingV1,
} from "kubernetes-types/admissionregistration/v1.js";
import { nameIsDnsSubdomain, validateObjectMeta, validateObjectMetaUpdate } from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import type { ResourceDef } from "../resource.ts";
import { validateWebhooks, webhookRules } from "./validation.ts";

export type MutatingWebhookConfiguration = Kube<MutatingV1>;
export type ValidatingWebhookConfiguration = Kube<ValidatingV1>;
type Configuration = MutatingWebhookConfiguration | ValidatingWebhookConfiguration;

export const admissionRegistrationGroup = "admissionregistration.k8s.io";
const metaOptions = { namespaced: false, nameFn: nameIsDnsSubdomain };

function defaults(config: Configuration, mutating: boolean): void {
  for (const hook of config.webhooks ?? []) {
    hook.failurePolicy ??= "Fail";
    hook.matchPolicy ??= "Equivalent";
    hook.namespaceSelector ??= {};
    hook.objectSelector ??= {};
    hook.timeoutSeconds ??= 10;
    if (mutating) (hook as { reinvocationPolicy?: string }).reinvocationPolicy ??= "Never";
    for (const rule of webhookRules(hook)) rule.scope ??= "*";
    if (hook.clientConfig?.service) hook.clientConfig.service.port ??= 443;
  }
}

function definition<T extends Configuration>(
  kind: string,
  resource: string,
  mutating: boolean,
): ResourceDef<T> {
  return {
    group: admissionRegistrationGroup,
    version: "v1",
    resource,
    singular: resource.slice(0, -1),
    kind,
    namespaced: false,
    categories: ["api-extensions"],
    strategy: {
      defaults: (c) => defaults(c, mutating),
      validate: (c) => [
        ...validateObjectMeta(c.metadata, metaOptions),
        ...validateWebhooks(c.webhooks, mutating),
      ],
      validateUpdate: (c, old) => validateObjectMetaUpdate(c.metadata, old.metadata, metaOptions),
      table: {
        columns: [
          nameColumn,
          column("Webhooks", "Webhooks indicates the number of webhooks included in this configuration.", {
            type: "integer",
          }),
          ageColumn,
        ],
        cells: (c, now) => [
          c.metadata?.name ?? "",
          c.webhooks?.length ?? 0,
          age(c.metadata?.creationTimestamp, now),
        ],
      },
    },
  };
}

export const mutatingWebhookConfigurations = definition<MutatingWebhookConfiguration>(
  "MutatingWebhookConfiguration",
  "mutatingwebhookconfigurations",
  true,
);
export const validatingWebhookConfigurations = definition<ValidatingWebhookConfiguration>(
  "ValidatingWebhookConfiguration",
  "validatingwebhookconfigurations",
  false,
);
