// `--audit-policy-file`: an audit.k8s.io/v1 Policy. The first rule matching a request (users,
// userGroups, verbs, resources with subresources and names, namespaces, nonResourceURLs) sets
// its level; stages listed in omitStages are not logged.
import { parse } from "yaml";
import type { UserInfo } from "../auth/user.ts";
import type { RequestInfo } from "../requestinfo.ts";

export type Level = "None" | "Metadata" | "Request" | "RequestResponse";
export type Stage = "RequestReceived" | "ResponseStarted" | "ResponseComplete" | "Panic";

const levels: readonly Level[] = ["None", "Metadata", "Request", "RequestResponse"];
const stages: readonly Stage[] = ["RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"];

interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages: Stage[];
}

export class AuditPolicyError extends Error {
  override name = "AuditPolicyError";
}

function stageList(value: unknown, at: string): Stage[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new AuditPolicyError(`${at}: must be a list`);
  return value.map((s, i) => {
    if (!stages.includes(s as Stage))
      throw new AuditPolicyError(`${at}[${i}]: Unsupported value: ${JSON.stringify(s)}`);
    return s as Stage;
  });
}

export function parseAuditPolicy(text: string): AuditPolicy {
  const doc = parse(text) as {
    apiVersion?: string;
    kind?: string;
    rules?: unknown;
    omitStages?: unknown;
  } | null;
  if (
    doc?.kind !== "Policy" ||
    (doc.apiVersion !== "audit.k8s.io/v1" && doc.apiVersion !== "audit.k8s.io/v1beta1")
  ) {
    throw new AuditPolicyError("expected apiVersion audit.k8s.io/v1, kind Policy");
  }
  if (!Array.isArray(doc.rules) || doc.rules.length === 0)
    throw new AuditPolicyError("rules: at least one rule is required");
  const rules = doc.rules.map((r, i) => {
    const rule = (r ?? {}) as Record<string, unknown>;
    const at = `rules[${i}]`;
    if (!levels.includes(rule.level as Level))
      throw new AuditPolicyError(`${at}.level: Unsupported value: ${JSON.stringify(rule.level)}`);
    if (rule.resources !== undefined && rule.nonResourceURLs !== undefined)
      throw new AuditPolicyError(`${at}: rules cannot apply to both regular resources and non-resource URLs`);
    return { ...(rule as unknown as PolicyRule), omitStages: stageList(rule.omitStages, `${at}.omitStages`) };
  });
  return { rules, omitStages: stageList(doc.omitStages, "omitStages") };
}

const any = (list: readonly string[] | undefined, test: (x: string) => boolean): boolean =>
  list === undefined || list.length === 0 || list.some(test);

function resourceMatches(resources: readonly GroupResources[], info: RequestInfo): boolean {
  const combined = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  return resources.some((gr) => {
    if ((gr.group ?? "") !== info.apiGroup) return false;
    if (!gr.resources || gr.resources.length === 0) return true;
    if (gr.resourceNames && gr.resourceNames.length > 0 && !gr.resourceNames.includes(info.name))
      return false;
    return gr.resources.some(
      (r) =>
        r === combined ||
        r === "*" ||
        (info.subresource !== "" && r.startsWith("*/") && r.slice(2) === info.subresource) ||
        (r.endsWith("/*") && r.slice(0, -2) === info.resource),
    );
  });
}

function urlMatches(patterns: readonly string[], path: string): boolean {
  return patterns.some(
    (p) => p === "*" || p === path || (p.endsWith("*") && path.startsWith(p.slice(0, -1))),
  );
}

export function ruleMatches(rule: PolicyRule, user: UserInfo | undefined, info: RequestInfo): boolean {
  if (!any(rule.users, (u) => u === user?.name)) return false;
  if (!any(rule.userGroups, (g) => (user?.groups ?? []).includes(g))) return false;
  if (!any(rule.verbs, (v) => v === info.verb)) return false;
  if (info.isResourceRequest) {
    if (rule.nonResourceURLs && rule.nonResourceURLs.length > 0) return false;
    if (rule.resources && rule.resources.length > 0 && !resourceMatches(rule.resources, info)) return false;
    if (rule.namespaces && rule.namespaces.length > 0 && !rule.namespaces.includes(info.namespace))
      return false;
    return true;
  }
  if ((rule.resources && rule.resources.length > 0) || (rule.namespaces && rule.namespaces.length > 0))
    return false;
  return (
    !rule.nonResourceURLs || rule.nonResourceURLs.length === 0 || urlMatches(rule.nonResourceURLs, info.path)
  );
}

/** The level and omitted stages for a request; None when no rule matches. */
export function evaluate(
  policy: AuditPolicy,
  user: UserInfo | undefined,
  info: RequestInfo,
): { level: Level; omit: Set<Stage> } {
  const rule = policy.rules.find((r) => ruleMatches(r, user, info));
  return { level: rule?.level ?? "None", omit: new Set([...policy.omitStages, ...(rule?.omitStages ?? [])]) };
}

export function atLeast(level: Level, wanted: Level): boolean {
  return levels.indexOf(level) >= levels.indexOf(wanted);
}
