// Builds the API server's authentication extras and authorization from `--authorization-mode`:
// the object caches they read (no Store reads per request), the RBAC and Node authorizers,
// escalation and NodeRestriction admission, service account and bootstrap tokens, and the
// server-side controllers (bootstrap policy, clusterrole aggregation, legacy token secrets).
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { nodeRestriction } from "../admission/noderestriction.ts";
import type { AdmissionPlugin } from "../admission.ts";
import type { ApiHandler, PathHandler } from "../handler.ts";
import type { SubresourceHandler } from "../rest/context.ts";
import type { ObjectSource } from "../rest/source.ts";
import { tokenRequestHandler } from "../subresources/serviceaccount-token.ts";
import type { TokenAuthenticator } from "./authn.ts";
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
import { bootstrapTokenAuthenticator } from "./serviceaccount/bootstrap-tokens.ts";
import { ensureSigningKey } from "./serviceaccount/keys.ts";
import { oidcPathHandler } from "./serviceaccount/oidc.ts";
import { LegacyTokenController } from "./serviceaccount/token-controller.ts";
import { ServiceAccountTokens, type TokenLookups } from "./serviceaccount/tokens.ts";
import type { UserInfo } from "./user.ts";

export interface AuthOptions {
  registry: Registry;
  source: ObjectSource;
  modes: readonly AuthorizationMode[];
  /** Where the service account signing key lives (<dataDir>/pki/sa.key). */
  dataDir: string;
  /** The cluster CA certificate (PEM), put into legacy token secrets. */
  caCert: string;
  /** The server's URL for the JWKS address in the OpenID configuration. */
  serverUrl: () => string;
  onError?: (err: unknown) => void;
}

export interface Auth {
  authorizer: Authorizer;
  /** The decision chain (SubjectAccessReview, impersonation). */
  decisions: UnionAuthorizer;
  /** SelfSubjectRulesReview: the rules RBAC (and, for kubelets, the Node authorizer) grant. */
  rulesFor?: (user: UserInfo, namespace: string) => PolicyRule[];
  admission: AdmissionPlugin[];
  tokenAuthenticators: TokenAuthenticator[];
  serviceAccountTokens: ServiceAccountTokens;
  pathHandlers: PathHandler[];
  subresources: [string, SubresourceHandler][];
  /** After the handler exists and serves: reconciles bootstrap policy, starts the controllers. */
  start(handler: ApiHandler): Promise<string[]>;
  stop(): Promise<void>;
}

function def(registry: Registry, group: string, resource: string): ResourceDef {
  const d = registry.resource(group, "v1", resource);
  if (!d) throw new Error(`authentication/authorization need ${group}/v1 ${resource}, which is not served`);
  return d;
}

export async function createAuth(o: AuthOptions): Promise<Auth> {
  const rbacGroup = "rbac.authorization.k8s.io";
  const caches: ObjectCache[] = [];
  const cache = (group: string, resource: string): ObjectCache => {
    const c = new ObjectCache(o.source, def(o.registry, group, resource));
    caches.push(c);
    return c;
  };
  const pods = cache("", "pods");
  const serviceAccounts = cache("", "serviceaccounts");
  const secrets = cache("", "secrets");
  const alwaysAllow = o.modes.length === 1 && o.modes[0] === "AlwaysAllow";
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

  const lookups: TokenLookups = {
    get: (resource, namespace, name) =>
      (resource === "pods" ? pods : resource === "secrets" ? secrets : serviceAccounts).get(namespace, name),
  };
  const signingKey = ensureSigningKey(o.dataDir);
  const serviceAccountTokens = new ServiceAccountTokens(signingKey, lookups);

  const rbac = rbacCaches ? new RbacAuthorizer(rbacCaches) : undefined;
  const node = o.modes.includes("Node") ? new NodeAuthorizer(new NodeGraph(pods)) : undefined;
  const union = createUnionAuthorizer(o.modes, { ...(rbac ? { rbac } : {}), ...(node ? { node } : {}) });
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
  if (node) admission.push(nodeRestriction());

  let aggregation: AggregationController | undefined;
  let legacyTokens: LegacyTokenController | undefined;
  return {
    // Exactly AlwaysAllow keeps the historic "authenticated may do everything" behaviour.
    authorizer: alwaysAllow ? allowAuthenticated : union,
    decisions: union,
    ...(rbac
      ? {
          rulesFor: (user: UserInfo, namespace: string) => [
            ...rbac.rulesFor(user, namespace),
            ...(node && nodeIdentity(user) !== undefined ? node.staticRules : []),
          ],
        }
      : {}),
    admission,
    tokenAuthenticators: [bootstrapTokenAuthenticator(lookups), serviceAccountTokens],
    serviceAccountTokens,
    pathHandlers: [oidcPathHandler(signingKey, serviceAccountTokens.issuer, o.serverUrl)],
    subresources: [["/serviceaccounts/token", tokenRequestHandler(serviceAccountTokens)]],
    async start(handler) {
      const onError = o.onError ?? (() => {});
      legacyTokens = new LegacyTokenController({
        handler,
        secrets,
        serviceAccounts,
        tokens: serviceAccountTokens,
        caCert: o.caCert,
        onError,
      });
      legacyTokens.start();
      if (!rbacCaches) return [];
      const problems = await reconcileBootstrapPolicy(handler);
      aggregation = new AggregationController(handler, rbacCaches.clusterRoles, onError);
      aggregation.start();
      // Components start right after: wait until their bindings are visible to the authorizer.
      await rbacCaches.clusterRoleBindings.waitFor(
        () => rbacCaches.clusterRoleBindings.get("", "system:kube-scheduler") !== undefined,
      );
      return problems;
    },
    async stop() {
      await aggregation?.stop();
      await legacyTokens?.stop();
      for (const c of caches) c.stop();
    },
  };
}
