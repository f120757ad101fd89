// The MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins: matching webhooks from
// the watch cache are called in configuration-name order (validating ones concurrently);
// JSONPatch answers are applied in turn, with one reinvocation round for IfNeeded webhooks;
// failurePolicy decides whether a failed call refuses the request.
import type {
  MutatingWebhook,
  MutatingWebhookConfiguration,
  ValidatingWebhook,
  ValidatingWebhookConfiguration,
} from "kubernetes-types/admissionregistration/v1.js";
import type { Namespace } from "kubernetes-types/core/v1.js";
import { webhookRules } from "../../../api/admissionregistration/validation.ts";
import {
  admissionRegistrationGroup,
  mutatingWebhookConfigurations,
  validatingWebhookConfigurations,
} from "../../../api/admissionregistration/webhookconfigurations.ts";
import { namespaces } from "../../../api/core/namespace.ts";
import { InternalError } from "../../../api/errors.ts";
import type { KubeObject } from "../../../api/object.ts";
import type { ResourceDef } from "../../../api/resource.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../../admission.ts";
import type { JsonValue } from "../../patch/json.ts";
import { applyJsonPatch } from "../../patch/jsonpatch.ts";
import type { ObjectSource } from "../../rest/source.ts";
import { postReview, resolveTarget } from "./call.ts";
import type { CredentialResolver } from "./credentials.ts";
import { namespaceSelectorMatches, objectSelectorMatches, rulesMatch, ruleTarget } from "./matching.ts";
import { buildReview, denial, dryRunUnsupported, parseReview, type ReviewResponse } from "./review.ts";

export interface WebhookAdmissionOptions {
  source: ObjectSource;
  /** Where failures of Ignore webhooks are reported. */
  onIgnoredError?: (webhook: string, err: unknown) => void;
  /** Client credentials per webhook host (the AdmissionConfiguration's kubeConfigFile). */
  credentials?: CredentialResolver;
}

type Hook = MutatingWebhook | ValidatingWebhook;
const nsDef = namespaces as unknown as ResourceDef;

async function configurations<T extends { metadata?: { name?: string }; webhooks?: Hook[] }>(
  source: ObjectSource,
  def: ResourceDef,
): Promise<T[]> {
  const items = (await source.list(def, {})).items as unknown as T[];
  return items.sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));
}

/** Webhook configurations are never sent to webhooks: a broken webhook could not be removed. */
function exempt(attrs: AdmissionAttributes): boolean {
  return attrs.def.group === admissionRegistrationGroup;
}

async function matching<T extends Hook>(
  hooks: readonly T[],
  attrs: AdmissionAttributes,
  source: ObjectSource,
): Promise<T[]> {
  let nsLabels: Record<string, string> | undefined;
  let nsLoaded = false;
  const out: T[] = [];
  const target = ruleTarget(attrs);
  for (const hook of hooks) {
    if (!rulesMatch(webhookRules(hook), target, hook.matchPolicy)) continue;
    if (!objectSelectorMatches(hook.objectSelector, attrs)) continue;
    if (
      attrs.def.namespaced &&
      !nsLoaded &&
      hook.namespaceSelector &&
      Object.keys(hook.namespaceSelector).length > 0
    ) {
      const ns = (source.peek?.(nsDef, "", attrs.namespace) ??
        (await source.list(nsDef, {})).items.find((n) => n.metadata?.name === attrs.namespace)) as
        | Namespace
        | undefined;
      nsLabels = ns?.metadata?.labels;
      nsLoaded = true;
    }
    if (!namespaceSelectorMatches(hook.namespaceSelector, attrs, nsLabels)) continue;
    out.push(hook);
  }
  return out;
}

/** One call; undefined when a failed call is ignored (failurePolicy Ignore). */
async function call(
  hook: Hook,
  attrs: AdmissionAttributes,
  options: WebhookAdmissionOptions,
): Promise<ReviewResponse | undefined> {
  if (attrs.dryRun && hook.sideEffects !== "None" && hook.sideEffects !== "NoneOnDryRun")
    throw dryRunUnsupported(hook.name);
  const timeoutSeconds = hook.timeoutSeconds ?? 10;
  try {
    const review = buildReview(attrs);
    const target = await resolveTarget(hook.clientConfig, options.source, timeoutSeconds);
    const text = await postReview({
      target,
      caBundle: hook.clientConfig?.caBundle,
      timeoutSeconds,
      body: review.body,
      credentials: options.credentials?.(target.credentialsName),
    });
    return parseReview(text, review.uid);
  } catch (err) {
    if (hook.failurePolicy === "Ignore") {
      options.onIgnoredError?.(hook.name, err);
      return undefined;
    }
    throw new InternalError(`failed calling webhook "${hook.name}": ${(err as Error).message}`);
  }
}

function record(attrs: AdmissionAttributes, hook: Hook, response: ReviewResponse): void {
  for (const w of response.warnings) attrs.warnings?.push(w);
  for (const [k, v] of Object.entries(response.auditAnnotations)) {
    attrs.auditAnnotations ??= {};
    attrs.auditAnnotations[`${hook.name}/${k}`] = v;
  }
}

export function mutatingWebhookAdmission(options: WebhookAdmissionOptions): AdmissionPlugin {
  const runOnce = async (hooks: MutatingWebhook[], attrs: AdmissionAttributes): Promise<Set<string>> => {
    const changedBy = new Set<string>();
    for (const hook of hooks) {
      const response = await call(hook, attrs, options);
      if (!response) continue;
      record(attrs, hook, response);
      if (!response.allowed) throw denial(hook.name, response.status);
      if (response.patch && attrs.object) {
        const before = JSON.stringify(attrs.object);
        const patched = applyJsonPatch(
          attrs.object as unknown as JsonValue,
          response.patch,
        ) as unknown as KubeObject;
        if (JSON.stringify(patched) !== before) changedBy.add(hook.name);
        // Plugins after this one (and validation) see the patched object in place.
        for (const k of Object.keys(attrs.object)) delete attrs.object[k];
        Object.assign(attrs.object, patched);
      }
    }
    return changedBy;
  };
  return {
    name: "MutatingAdmissionWebhook",
    async admit(attrs) {
      if (exempt(attrs) || attrs.operation === "DELETE") return;
      const configs = await configurations<MutatingWebhookConfiguration>(
        options.source,
        mutatingWebhookConfigurations as unknown as ResourceDef,
      );
      const hooks = await matching(
        configs.flatMap((c) => c.webhooks ?? []),
        attrs,
        options.source,
      );
      if (hooks.length === 0) return;
      const changedBy = await runOnce(hooks, attrs);
      // Reinvocation: IfNeeded webhooks run once more when a later webhook changed the object.
      const again = hooks.filter((h, i) => {
        if (h.reinvocationPolicy !== "IfNeeded") return false;
        return hooks.slice(i + 1).some((later) => changedBy.has(later.name));
      });
      if (again.length > 0) await runOnce(again, attrs);
    },
  };
}

export function validatingWebhookAdmission(options: WebhookAdmissionOptions): AdmissionPlugin {
  return {
    name: "ValidatingAdmissionWebhook",
    async validate(attrs) {
      if (exempt(attrs)) return;
      const configs = await configurations<ValidatingWebhookConfiguration>(
        options.source,
        validatingWebhookConfigurations as unknown as ResourceDef,
      );
      const hooks = await matching(
        configs.flatMap((c) => c.webhooks ?? []),
        attrs,
        options.source,
      );
      const responses = await Promise.all(
        hooks.map(async (hook) => ({ hook, response: await call(hook, attrs, options) })),
      );
      for (const { hook, response } of responses) if (response) record(attrs, hook, response);
      for (const { hook, response } of responses) {
        if (response && !response.allowed) throw denial(hook.name, response.status);
      }
    },
  };
}
