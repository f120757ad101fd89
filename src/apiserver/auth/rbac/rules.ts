// RBAC rule matching (rbac/v1 helpers): verbs and API groups with `*`, resources with
// subresources and `*/sub`, resourceNames, and nonResourceURLs with a trailing `*`.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { Attributes } from "../attributes.ts";

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes("*") || rule.verbs.includes(verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  const groups = rule.apiGroups ?? [];
  return groups.includes("*") || groups.includes(group);
}

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === "*" || r === combined) return true;
    if (subresource !== "" && r === `*/${subresource}`) return true;
  }
  return false;
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === "*" || u === path) return true;
    if (u.endsWith("*") && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** Whether one rule allows the request. */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.isResourceRequest) return nonResourceUrlMatches(rule, a.path);
  const combined = a.subresource === "" ? a.resource : `${a.resource}/${a.subresource}`;
  return (
    apiGroupMatches(rule, a.apiGroup) &&
    resourceMatches(rule, combined, a.subresource) &&
    resourceNameMatches(rule, a.name)
  );
}

/** Whether `rules` together cover `rule` (escalation check): every atomic grant of it is allowed. */
export function rulesCover(rules: readonly PolicyRule[], rule: PolicyRule): boolean {
  const verbs = rule.verbs;
  if ((rule.nonResourceURLs ?? []).length > 0) {
    return (rule.nonResourceURLs ?? []).every((url) =>
      verbs.every((verb) => rules.some((r) => verbMatches(r, verb) && coversUrl(r, url))),
    );
  }
  const names = (rule.resourceNames ?? []).length > 0 ? (rule.resourceNames ?? []) : [undefined];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of verbs) {
        for (const name of names) {
          const ok = rules.some(
            (r) =>
              verbMatches(r, verb) &&
              ((r.apiGroups ?? []).includes("*") || (r.apiGroups ?? []).includes(group)) &&
              coversResource(r, resource) &&
              ((r.resourceNames ?? []).length === 0 ||
                (name !== undefined && (r.resourceNames ?? []).includes(name))),
          );
          if (!ok) return false;
        }
      }
    }
  }
  return true;
}

function coversResource(r: PolicyRule, resource: string): boolean {
  const [, sub = ""] = resource.split("/", 2);
  for (const have of r.resources ?? []) {
    if (have === "*" || have === resource) return true;
    if (sub !== "" && have === `*/${sub}`) return true;
  }
  return false;
}

function coversUrl(r: PolicyRule, url: string): boolean {
  for (const u of r.nonResourceURLs ?? []) {
    if (u === "*" || u === url) return true;
    if (u.endsWith("*") && url.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}
