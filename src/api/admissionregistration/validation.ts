// Validation of admissionregistration.k8s.io/v1 webhooks, after Kubernetes'
// pkg/apis/admissionregistration/validation: names, client config, rules, policies, timeouts.
import type {
  MutatingWebhook,
  ValidatingWebhook,
  WebhookClientConfig,
} from "kubernetes-types/admissionregistration/v1.js";
import { isDns1123Subdomain, validateLabelSelector } from "../apps/coredeps.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";

type Webhook = MutatingWebhook | ValidatingWebhook;

/** admissionregistration/v1 RuleWithOperations (kubernetes-types leaves out the inherited Rule fields). */
export interface WebhookRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
}

export function webhookRules(hook: { rules?: unknown }): WebhookRule[] {
  return (hook.rules ?? []) as WebhookRule[];
}

const operations = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
const sideEffects = ["None", "NoneOnDryRun"];
const failurePolicies = ["Fail", "Ignore"];
const matchPolicies = ["Equivalent", "Exact"];
const scopes = ["*", "Cluster", "Namespaced"];
const reviewVersions = ["v1", "v1beta1"];

function validateClientConfig(cc: WebhookClientConfig | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const hasUrl = cc?.url !== undefined;
  const hasService = cc?.service !== undefined;
  if (hasUrl === hasService) {
    errs.push(fieldErrors.required(at, "exactly one of url or service is required"));
    return errs;
  }
  if (cc?.url !== undefined) {
    const path = at.child("url");
    let url: URL | undefined;
    try {
      url = new URL(cc.url);
    } catch {
      errs.push(fieldErrors.invalid(path, cc.url, "host must be specified"));
    }
    if (url) {
      if (url.protocol !== "https:")
        errs.push(
          fieldErrors.invalid(path, url.protocol.slice(0, -1), "'https' is the only allowed URL scheme"),
        );
      if (url.hostname === "") errs.push(fieldErrors.invalid(path, cc.url, "host must be specified"));
      if (url.username || url.password)
        errs.push(fieldErrors.invalid(path, url.username, "user information is not permitted in the URL"));
      if (url.hash)
        errs.push(fieldErrors.invalid(path, url.hash.slice(1), "fragments are not permitted in the URL"));
      if (url.search)
        errs.push(
          fieldErrors.invalid(path, url.search.slice(1), "query parameters are not permitted in the URL"),
        );
    }
  }
  const svc = cc?.service;
  if (svc) {
    const path = at.child("service");
    if (!svc.name) errs.push(fieldErrors.required(path.child("name"), "service name is required"));
    if (!svc.namespace)
      errs.push(fieldErrors.required(path.child("namespace"), "service namespace is required"));
    if (svc.port !== undefined && (svc.port < 1 || svc.port > 65535))
      errs.push(
        fieldErrors.invalid(
          path.child("port"),
          svc.port,
          "port is not valid: must be between 1 and 65535, inclusive",
        ),
      );
    if (svc.path !== undefined && !svc.path.startsWith("/"))
      errs.push(fieldErrors.invalid(path.child("path"), svc.path, "must start with a '/'"));
  }
  return errs;
}

export function validateRule(rule: WebhookRule, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ops = rule.operations ?? [];
  if (ops.length === 0) errs.push(fieldErrors.required(at.child("operations"), ""));
  ops.forEach((op, i) => {
    if (!operations.includes(op))
      errs.push(fieldErrors.notSupported(at.child("operations").index(i), op, operations));
  });
  if (ops.length > 1 && ops.includes("*"))
    errs.push(
      fieldErrors.invalid(
        at.child("operations"),
        ops,
        "if '*' is present, must not specify other operations",
      ),
    );
  for (const field of ["apiGroups", "apiVersions", "resources"] as const) {
    const list = rule[field] ?? [];
    if (list.length === 0) errs.push(fieldErrors.required(at.child(field), ""));
    if (list.length > 1 && list.includes("*"))
      errs.push(
        fieldErrors.invalid(
          at.child(field),
          list,
          "if '*' is present, must not specify other " +
            (field === "resources"
              ? "resources without subresources"
              : field === "apiGroups"
                ? "API groups"
                : "API versions"),
        ),
      );
  }
  if (rule.scope !== undefined && !scopes.includes(rule.scope))
    errs.push(fieldErrors.notSupported(at.child("scope"), rule.scope, scopes));
  return errs;
}

export function validateWebhooks(webhooks: readonly Webhook[] | undefined, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (webhooks ?? []).forEach((hook, i) => {
    const at = FieldPath.root("webhooks").index(i);
    const name = hook.name ?? "";
    if (name === "") errs.push(fieldErrors.required(at.child("name"), ""));
    else {
      if (!isDns1123Subdomain(name) || name.split(".").length < 3)
        errs.push(
          fieldErrors.invalid(
            at.child("name"),
            name,
            "should be a domain with at least three segments separated by dots",
          ),
        );
      if (names.has(name)) errs.push(fieldErrors.duplicate(at.child("name"), name));
      names.add(name);
    }
    webhookRules(hook).forEach((r, j) => {
      errs.push(...validateRule(r, at.child("rules").index(j)));
    });
    if (hook.failurePolicy !== undefined && !failurePolicies.includes(hook.failurePolicy))
      errs.push(fieldErrors.notSupported(at.child("failurePolicy"), hook.failurePolicy, failurePolicies));
    if (hook.matchPolicy !== undefined && !matchPolicies.includes(hook.matchPolicy))
      errs.push(fieldErrors.notSupported(at.child("matchPolicy"), hook.matchPolicy, matchPolicies));
    if (hook.sideEffects === undefined)
      errs.push(
        fieldErrors.required(at.child("sideEffects"), `must specify one of ${sideEffects.join(", ")}`),
      );
    else if (!sideEffects.includes(hook.sideEffects))
      errs.push(fieldErrors.notSupported(at.child("sideEffects"), hook.sideEffects, sideEffects));
    if (hook.timeoutSeconds !== undefined && (hook.timeoutSeconds < 1 || hook.timeoutSeconds > 30))
      errs.push(
        fieldErrors.invalid(
          at.child("timeoutSeconds"),
          hook.timeoutSeconds,
          "the timeout value must be between 1 and 30 seconds",
        ),
      );
    const versions = hook.admissionReviewVersions ?? [];
    if (versions.length === 0)
      errs.push(
        fieldErrors.required(
          at.child("admissionReviewVersions"),
          `must specify one of ${reviewVersions.join(", ")}`,
        ),
      );
    else if (!versions.some((v) => reviewVersions.includes(v)))
      errs.push(
        fieldErrors.invalid(
          at.child("admissionReviewVersions"),
          versions,
          `must include at least one of ${reviewVersions.join(", ")}`,
        ),
      );
    if (mutating) {
      const policy = (hook as MutatingWebhook).reinvocationPolicy;
      if (policy !== undefined && !["Never", "IfNeeded"].includes(policy))
        errs.push(fieldErrors.notSupported(at.child("reinvocationPolicy"), policy, ["IfNeeded", "Never"]));
    }
    errs.push(...validateClientConfig(hook.clientConfig, at.child("clientConfig")));
    if (hook.namespaceSelector)
      errs.push(...validateLabelSelector(hook.namespaceSelector, at.child("namespaceSelector")));
    if (hook.objectSelector)
      errs.push(...validateLabelSelector(hook.objectSelector, at.child("objectSelector")));
  });
  return errs;
}
