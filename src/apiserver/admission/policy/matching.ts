// Which requests a policy (matchConstraints) and a binding (matchResources) apply to: resource
// rules with resourceNames, excludeResourceRules, matchPolicy and the namespace/object label
// selectors — the webhook matching rules, as Kubernetes shares them between both.
import type { MatchResources } from "kubernetes-types/admissionregistration/v1.js";
import { type PolicyRule, policyRules } from "../../../api/admissionregistration/policy-validation.ts";
import type { AdmissionAttributes } from "../../admission.ts";
import {
  namespaceSelectorMatches,
  objectSelectorMatches,
  rulesMatch,
  ruleTarget,
} from "../webhook/matching.ts";

/** Rules naming resourceNames only match those names (a create has no name yet: rules with names skip it). */
function namedRulesMatch(
  rules: readonly PolicyRule[],
  attrs: AdmissionAttributes,
  matchPolicy: string | undefined,
): boolean {
  const target = ruleTarget(attrs);
  const applicable = rules.filter((r) => !r.resourceNames?.length || r.resourceNames.includes(attrs.name));
  return applicable.length > 0 && rulesMatch(applicable, target, matchPolicy);
}

/**
 * Whether `match` selects the request. `namespaceLabels` are the request namespace's labels
 * (undefined when the namespace is unknown or the request is cluster-scoped).
 * A binding without matchResources (undefined) matches everything its policy matches.
 */
export function matchResourcesMatch(
  match: MatchResources | undefined,
  attrs: AdmissionAttributes,
  namespaceLabels: Record<string, string> | undefined,
  options: { requireRules: boolean },
): boolean {
  if (!match) return !options.requireRules;
  const rules = policyRules(match.resourceRules);
  if (rules.length > 0 || options.requireRules) {
    if (!namedRulesMatch(rules, attrs, match.matchPolicy)) return false;
  }
  const excluded = policyRules(match.excludeResourceRules);
  if (excluded.length > 0 && namedRulesMatch(excluded, attrs, match.matchPolicy)) return false;
  if (!objectSelectorMatches(match.objectSelector, attrs)) return false;
  return namespaceSelectorMatches(match.namespaceSelector, attrs, namespaceLabels);
}
