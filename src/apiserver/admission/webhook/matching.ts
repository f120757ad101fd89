// Which webhooks a request reaches: rules (operations, groups, versions, resources with
// subresources, scope), matchPolicy, and the namespace and object label selectors.
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { WebhookRule } from "../../../api/admissionregistration/validation.ts";
import type { KubeObject } from "../../../api/object.ts";
import { labelSelectorMatches } from "../../../api/validation/labelselector.ts";
import type { AdmissionAttributes } from "../../admission.ts";

const matches = (list: readonly string[] | undefined, value: string): boolean =>
  (list ?? []).some((x) => x === "*" || x === value);

/** `pods`, `pods/status`, `*`, `*\/status`, `pods/*` against a resource and subresource. */
function resourceMatches(
  patterns: readonly string[] | undefined,
  resource: string,
  subresource: string,
): boolean {
  const wanted = subresource === "" ? resource : `${resource}/${subresource}`;
  return (patterns ?? []).some((p) => {
    if (p === "*/*" || p === wanted) return true;
    const [res, sub] = p.split("/", 2);
    if (sub === undefined) return res === "*" && subresource === "";
    return (res === "*" || res === resource) && (sub === "*" || sub === subresource);
  });
}

export interface RuleTarget {
  operation: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespaced: boolean;
}

/** What webhook and policy rules are matched against: the request's operation and resource. */
export function ruleTarget(attrs: AdmissionAttributes): RuleTarget {
  return {
    operation: attrs.operation,
    group: attrs.def.group,
    version: attrs.def.version,
    resource: attrs.def.resource,
    subresource: attrs.subresource,
    namespaced: attrs.def.namespaced,
  };
}

export function ruleMatches(rule: WebhookRule, t: RuleTarget, ignoreVersion = false): boolean {
  if (!matches(rule.operations, t.operation)) return false;
  if (!matches(rule.apiGroups, t.group)) return false;
  if (!ignoreVersion && !matches(rule.apiVersions, t.version)) return false;
  if (!resourceMatches(rule.resources, t.resource, t.subresource)) return false;
  const scope = rule.scope ?? "*";
  if (scope === "Cluster" && t.namespaced) return false;
  if (scope === "Namespaced" && !t.namespaced) return false;
  return true;
}

/**
 * Exact needs the request's own version in a rule. Equivalent also takes a rule naming the same
 * group and resource at another version: Skiff serves each resource in one stored form, so the
 * webhook sees the object as served (no conversion to the rule's version).
 */
export function rulesMatch(
  rules: readonly WebhookRule[],
  t: RuleTarget,
  matchPolicy: string | undefined,
): boolean {
  if (rules.some((r) => ruleMatches(r, t))) return true;
  return (matchPolicy ?? "Equivalent") === "Equivalent" && rules.some((r) => ruleMatches(r, t, true));
}

function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return true;
  return labelSelectorMatches(selector, labels ?? {});
}

/** Either the new or the old object may carry the labels (upstream checks both). */
export function objectSelectorMatches(
  selector: LabelSelector | undefined,
  attrs: AdmissionAttributes,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return true;
  const labelsOf = (o: KubeObject | undefined) => o?.metadata?.labels as Record<string, string> | undefined;
  return [attrs.object, attrs.oldObject]
    .filter((o) => o !== undefined)
    .some((o) => selectorMatches(selector, labelsOf(o)));
}

/**
 * Namespaced requests match on their namespace's labels; a Namespace on its own labels;
 * other cluster-scoped objects always match.
 */
export function namespaceSelectorMatches(
  selector: LabelSelector | undefined,
  attrs: AdmissionAttributes,
  namespaceLabels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return true;
  if (attrs.def.group === "" && attrs.def.resource === "namespaces") {
    const ns = attrs.object ?? attrs.oldObject;
    return selectorMatches(selector, ns?.metadata?.labels as Record<string, string> | undefined);
  }
  if (!attrs.def.namespaced) return true;
  return selectorMatches(selector, namespaceLabels);
}
