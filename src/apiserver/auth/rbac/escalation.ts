// Escalation prevention for RBAC writes (registry/rbac/{role,clusterrole,rolebinding}/policybased):
// a Role or ClusterRole may only grant what the writer already holds, unless they have `escalate`
// on it; a binding may only reference a role whose rules the writer holds, unless they have `bind`.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { ForbiddenError } from "../../../api/errors.ts";
import type { ClusterRole, RoleBinding } from "../../../api/rbac/rbac.ts";
import type { AdmissionPlugin } from "../../admission.ts";
import type { Attributes, DecisionAuthorizer } from "../attributes.ts";
import type { ObjectCache } from "../objectcache.ts";
import { mastersGroup, type UserInfo } from "../user.ts";
import type { RbacAuthorizer } from "./authorizer.ts";
import { rulesCover } from "./rules.ts";

const rbacGroup = "rbac.authorization.k8s.io";

export interface EscalationOptions {
  rbac: RbacAuthorizer;
  /** The whole chain, for the `escalate`/`bind` checks. */
  authorizer: DecisionAuthorizer;
  roles: ObjectCache;
  clusterRoles: ObjectCache;
}

function ruleText(r: PolicyRule): string {
  const q = (xs: readonly string[] | undefined) => `[${(xs ?? []).map((x) => JSON.stringify(x)).join(" ")}]`;
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

function denied(resource: string, name: string, user: UserInfo, missing: PolicyRule[]): ForbiddenError {
  const groups = `[${user.groups.map((g) => JSON.stringify(g)).join(" ")}]`;
  return new ForbiddenError(
    `${resource}.${rbacGroup} "${name}" is forbidden: user "${user.name}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${missing.map(ruleText).join("\n")}`,
    { name, group: rbacGroup, kind: resource },
  );
}

export function escalationAdmission(o: EscalationOptions): AdmissionPlugin {
  const may = (user: UserInfo, verb: string, resource: string, namespace: string, name: string): boolean => {
    const a: Attributes = {
      user,
      verb,
      isResourceRequest: true,
      path: "",
      namespace,
      apiGroup: rbacGroup,
      apiVersion: "v1",
      resource,
      subresource: "",
      name,
    };
    return o.authorizer.decide(a).decision === "allow";
  };
  const missingRules = (user: UserInfo, namespace: string, rules: readonly PolicyRule[]): PolicyRule[] => {
    const held = o.rbac.rulesFor(user, namespace);
    return rules.filter((r) => !rulesCover(held, r));
  };
  return {
    name: "RBACEscalation",
    validate(attrs) {
      if (attrs.def.group !== rbacGroup || attrs.subresource !== "" || attrs.operation === "DELETE") return;
      const obj = attrs.object;
      if (!obj || attrs.user.groups.includes(mastersGroup)) return;
      const resource = attrs.def.resource;
      const name = obj.metadata?.name ?? attrs.name;
      const namespace = attrs.namespace;
      if (resource === "roles" || resource === "clusterroles") {
        if (may(attrs.user, "escalate", resource, namespace, name)) return;
        const missing = missingRules(attrs.user, namespace, (obj as ClusterRole).rules ?? []);
        if (missing.length > 0) throw denied(resource, name, attrs.user, missing);
        return;
      }
      if (resource === "rolebindings" || resource === "clusterrolebindings") {
        const ref = (obj as RoleBinding).roleRef;
        const refResource = ref.kind === "Role" ? "roles" : "clusterroles";
        if (may(attrs.user, "bind", refResource, namespace, ref.name)) return;
        const role =
          ref.kind === "Role" ? o.roles.get(namespace, ref.name) : o.clusterRoles.get("", ref.name);
        const missing = missingRules(attrs.user, namespace, (role as ClusterRole | undefined)?.rules ?? []);
        if (missing.length > 0) throw denied(resource, name, attrs.user, missing);
      }
    },
  };
}
