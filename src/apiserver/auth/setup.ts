// Builds the API server's authorization from `--authorization-mode`: the object caches the
// authorizers read, the RBAC and Node authorizers, escalation and NodeRestriction admission,
// and the server-side controllers (bootstrap policy, clusterrole aggregation).

import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { nodeRestriction } from "../admission/noderestriction.ts";
import type { AdmissionPlugin } from "../admission.ts";
import type { ApiHandler } from "../handler.ts";
import type { ObjectSource } from "../rest/source.ts";
import {
  type AuthorizationMode,
  type Authorizer,
  allowAuthenticated,
  createUnionAuthorizer,
  type UnionAuthorizer,
} from "./authz.ts";
import { reconcileBootstrapPolicy } from "./bootstrap-policy.ts";
import { NodeAuthorizer, nodeIdentity } from "./node/authorizer.ts";
import { NodeGraph } from "./node/graph.ts";
import { ObjectCache } from "./objectcache.ts";
import { AggregationController } from "./rbac/aggregation.ts";
import { RbacAuthorizer } from "./rbac/authorizer.ts";
import { escalationAdmission } from "./rbac/escalation.ts";
import type { UserInfo } from "./user.ts";

export interface AuthorizationOptions {
  registry: Registry;
  source: ObjectSource;
  modes: readonly AuthorizationMode[];
  onError?: (err: unknown) => void;
}

export interface Authorization {
  authorizer: Authorizer;
  /** The decision chain (SubjectAccessReview, impersonation). */
  decisions: UnionAuthorizer;
  rbac?: RbacAuthorizer;
  /** SelfSubjectRulesReview: the rules RBAC (and, for kubelets, the Node authorizer) grant. */
  rulesFor?: (user: UserInfo, namespace: string) => PolicyRule[];
  admission: AdmissionPlugin[];
  /** After the handler exists and serves: reconciles bootstrap policy, starts aggregation. */
  start(handler: ApiHandler): Promise<string[]>;
  stop(): Promise<void>;
}

function def(registry: Registry, group: string, resource: string): ResourceDef {
  const d = registry.resource(group, "v1", resource);
  if (!d) throw new Error(`authorization needs ${group}/v1 ${resource}, which is not served`);
  return d;
}

export async function createAuthorization(o: AuthorizationOptions): Promise<Authorization> {
  // Exactly AlwaysAllow keeps the historic "authenticated may do everything" behaviour.
  if (o.modes.length === 1 && o.modes[0] === "AlwaysAllow") {
    return {
      authorizer: allowAuthenticated,
      decisions: createUnionAuthorizer(o.modes, {}),
      admission: [],
      start: async () => [],
      stop: async () => {},
    };
  }
  const rbacGroup = "rbac.authorization.k8s.io";
  const caches: ObjectCache[] = [];
  const cache = (group: string, resource: string): ObjectCache => {
    const c = new ObjectCache(o.source, def(o.registry, group, resource));
    caches.push(c);
    return c;
  };
  const usesRbac = o.modes.includes("RBAC");
  const rbacCaches = usesRbac
    ? {
        roles: cache(rbacGroup, "roles"),
        clusterRoles: cache(rbacGroup, "clusterroles"),
        roleBindings: cache(rbacGroup, "rolebindings"),
        clusterRoleBindings: cache(rbacGroup, "clusterrolebindings"),
      }
    : undefined;
  await Promise.all(caches.map((c) => c.start()));
  const pods = o.modes.includes("Node") ? new ObjectCache(o.source, def(o.registry, "", "pods")) : undefined;
  if (pods) {
    caches.push(pods);
    await pods.start();
  }
  const rbac = rbacCaches ? new RbacAuthorizer(rbacCaches) : undefined;
  const node = pods ? new NodeAuthorizer(new NodeGraph(pods)) : undefined;
  const union = createUnionAuthorizer(o.modes, {
    ...(rbac ? { rbac } : {}),
    ...(node ? { node } : {}),
  });
  const admission: AdmissionPlugin[] = [];
  if (rbac && rbacCaches) {
    admission.push(
      escalationAdmission({
        rbac,
        authorizer: union,
        roles: rbacCaches.roles,
        clusterRoles: rbacCaches.clusterRoles,
      }),
    );
  }
  let aggregation: AggregationController | undefined;
  return {
    authorizer: union,
    decisions: union,
    ...(rbac ? { rbac } : {}),
    ...(rbac
      ? {
          rulesFor: (user: UserInfo, namespace: string) => [
            ...rbac.rulesFor(user, namespace),
            ...(node && nodeIdentity(user) !== undefined ? node.staticRules : []),
          ],
        }
      : {}),
    admission: [...admission, ...(pods ? [nodeRestriction()] : [])],
    async start(handler) {
      if (!rbacCaches) return [];
      const problems = await reconcileBootstrapPolicy(handler);
      aggregation = new AggregationController(handler, rbacCaches.clusterRoles, o.onError);
      aggregation.start();
      // Components start right after: wait until their bindings are visible to the authorizer.
      await rbacCaches.clusterRoleBindings.waitFor(
        () => rbacCaches.clusterRoleBindings.get("", "system:kube-scheduler") !== undefined,
      );
      return problems;
    },
    async stop() {
      await aggregation?.stop();
      for (const c of caches) c.stop();
    },
  };
}
