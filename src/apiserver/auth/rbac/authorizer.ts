// The RBAC authorizer: roles, clusterroles and their bindings from in-memory caches, bindings
// indexed by subject (user, group, service account) so a decision touches only the caller's own
// bindings.

import type { PolicyRule, Subject } from "kubernetes-types/rbac/v1.js";
import type { ClusterRoleBinding, RoleBinding } from "../../../api/rbac/rbac.ts";
import type { Attributes, DecisionAuthorizer, DecisionResult } from "../attributes.ts";
import type { ObjectCache } from "../objectcache.ts";
import type { UserInfo } from "../user.ts";
import { ruleAllows } from "./rules.ts";

export interface RbacCaches {
  roles: ObjectCache;
  clusterRoles: ObjectCache;
  roleBindings: ObjectCache;
  clusterRoleBindings: ObjectCache;
}

type Binding = RoleBinding | ClusterRoleBinding;

/** Where a rule came from, for SubjectAccessReview reasons. */
interface RuleSource {
  binding: Binding;
  rules: readonly PolicyRule[];
}

/** The index key a subject is filed under: `u:<user>` or `g:<group>`, prefixed by the binding's namespace. */
function subjectKey(namespace: string, s: Subject): string | undefined {
  if (s.kind === "User") return `${namespace}|u:${s.name}`;
  if (s.kind === "Group") return `${namespace}|g:${s.name}`;
  if (s.kind === "ServiceAccount") {
    const ns = s.namespace || namespace;
    return `${namespace}|u:system:serviceaccount:${ns}:${s.name}`;
  }
  return undefined;
}

export class RbacAuthorizer implements DecisionAuthorizer {
  private readonly index = new Map<string, Set<Binding>>();

  constructor(private readonly caches: RbacCaches) {
    for (const c of [caches.roleBindings, caches.clusterRoleBindings]) {
      c.onChange((obj, old, deleted) => {
        if (old) this.unindex(old as Binding);
        if (!deleted) this.indexBinding(obj as Binding);
      });
      for (const obj of c.values()) this.indexBinding(obj as Binding);
    }
  }

  decide(a: Attributes): DecisionResult {
    let reason = "";
    this.visitRules(a.user, a.namespace, (src) => {
      for (const rule of src.rules) {
        if (ruleAllows(a, rule)) {
          reason = describe(src.binding, a.user);
          return false;
        }
      }
      return true;
    });
    return reason === "" ? { decision: "noOpinion", reason: "" } : { decision: "allow", reason };
  }

  /** Every rule that applies to the user in the namespace ("" = cluster-wide bindings only). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const out: PolicyRule[] = [];
    this.visitRules(user, namespace, (src) => {
      out.push(...src.rules);
      return true;
    });
    return out;
  }

  /** Calls `visit` per applicable binding's rules until it returns false. */
  private visitRules(user: UserInfo, namespace: string, visit: (src: RuleSource) => boolean): void {
    const keys = [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
    const scopes = namespace === "" ? [""] : ["", namespace];
    for (const scope of scopes) {
      for (const k of keys) {
        const bindings = this.index.get(`${scope}|${k}`);
        if (!bindings) continue;
        for (const b of bindings) {
          const rules = this.roleRules(b);
          if (rules.length > 0 && !visit({ binding: b, rules })) return;
        }
      }
    }
  }

  private roleRules(b: Binding): readonly PolicyRule[] {
    const ns = b.metadata?.namespace ?? "";
    const role =
      b.roleRef.kind === "Role"
        ? ns === ""
          ? undefined
          : this.caches.roles.get(ns, b.roleRef.name)
        : this.caches.clusterRoles.get("", b.roleRef.name);
    return (role as { rules?: PolicyRule[] } | undefined)?.rules ?? [];
  }

  private keysOf(b: Binding): string[] {
    const ns = b.metadata?.namespace ?? "";
    const keys: string[] = [];
    for (const s of b.subjects ?? []) {
      const k = subjectKey(ns, s);
      if (k !== undefined) keys.push(k);
    }
    return keys;
  }

  private indexBinding(b: Binding): void {
    for (const k of this.keysOf(b)) {
      let set = this.index.get(k);
      if (!set) {
        set = new Set();
        this.index.set(k, set);
      }
      set.add(b);
    }
  }

  private unindex(b: Binding): void {
    for (const k of this.keysOf(b)) {
      const set = this.index.get(k);
      if (!set) continue;
      // The cached object may be a different instance than the indexed one: match by identity of name.
      for (const x of set) {
        if (
          x === b ||
          (x.metadata?.name === b.metadata?.name && x.metadata?.namespace === b.metadata?.namespace)
        ) {
          set.delete(x);
        }
      }
      if (set.size === 0) this.index.delete(k);
    }
  }
}

function describe(b: Binding, user: UserInfo): string {
  const ns = b.metadata?.namespace;
  const kind = ns ? "RoleBinding" : "ClusterRoleBinding";
  const name = ns ? `${b.metadata?.name}/${ns}` : (b.metadata?.name ?? "");
  return `RBAC: allowed by ${kind} "${name}" of ${b.roleRef.kind} "${b.roleRef.name}" to User "${user.name}"`;
}
