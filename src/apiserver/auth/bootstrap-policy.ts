// Bootstrap policy: the default ClusterRoles and ClusterRoleBindings, reconciled at server start
// like kube-apiserver's rbac/bootstrap-roles post-start hook: missing objects are created; objects
// annotated `rbac.authorization.kubernetes.io/autoupdate: "true"` (or without the annotation) get
// missing rules and subjects added back; `"false"` leaves an object alone.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from "kubernetes-types/rbac/v1.js";
import type { ApiHandler } from "../handler.ts";
import { inProcessRequest } from "../inprocess.ts";
import { bootstrapClusterRoles } from "./bootstrap-roles.ts";
import {
  controllerClusterRoleBindings,
  controllerRoleBindings,
  controllerRoles,
} from "./controller-roles.ts";
import { rulesCover } from "./rbac/rules.ts";

export const autoupdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate";
const apiserverUser = { name: "system:apiserver", groups: ["system:masters"] };
const rbacPath = "/apis/rbac.authorization.k8s.io/v1";

const group = (name: string): Subject => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name });
const user = (name: string): Subject => ({ kind: "User", apiGroup: "rbac.authorization.k8s.io", name });
const serviceAccount = (namespace: string, name: string): Subject => ({
  kind: "ServiceAccount",
  namespace,
  name,
});

function binding(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
    subjects,
  };
}

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    binding("cluster-admin", "cluster-admin", [group("system:masters")]),
    binding("system:monitoring", "system:monitoring", [group("system:monitoring")]),
    binding("system:discovery", "system:discovery", [group("system:authenticated")]),
    binding("system:basic-user", "system:basic-user", [group("system:authenticated")]),
    binding("system:public-info-viewer", "system:public-info-viewer", [
      group("system:authenticated"),
      group("system:unauthenticated"),
    ]),
    binding("system:node-proxier", "system:node-proxier", [user("system:kube-proxy")]),
    binding("system:kube-controller-manager", "system:kube-controller-manager", [
      user("system:kube-controller-manager"),
    ]),
    ...controllerClusterRoleBindings(),
    binding("system:kube-dns", "system:kube-dns", [serviceAccount("kube-system", "kube-dns")]),
    binding("system:kube-scheduler", "system:kube-scheduler", [user("system:kube-scheduler")]),
    binding("system:volume-scheduler", "system:volume-scheduler", [user("system:kube-scheduler")]),
    // Kubelets are authorized by the Node authorizer; the binding exists without subjects.
    binding("system:node", "system:node", []),
    binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery", [
      group("system:serviceaccounts"),
    ]),
    // Bootstrap tokens (the join flow) may ask for a node client certificate.
    binding("kubeadm:node-bootstrapper", "system:node-bootstrapper", [group("system:bootstrappers")]),
    // Every joined agent runs the service proxy with its node identity: it also reads EndpointSlices.
    binding("skiff:node-service-proxy", "skiff:node-service-proxy", [group("system:nodes")]),
    binding("skiff:node-ingress", "skiff:node-ingress", [group("system:nodes")]),
  ];
}

function withAutoupdate<T extends ClusterRole | ClusterRoleBinding>(obj: T): T {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...obj.metadata?.annotations, [autoupdateAnnotation]: "true" },
    },
  };
}

/** The role with the bootstrap rules it lacks added; undefined when nothing is missing. */
export function reconcileRole(existing: ClusterRole, wanted: ClusterRole): ClusterRole | undefined {
  if (existing.metadata?.annotations?.[autoupdateAnnotation] === "false") return undefined;
  const have = existing.rules ?? [];
  // Aggregated roles get their rules from the aggregation controller.
  const missing: PolicyRule[] = wanted.aggregationRule
    ? []
    : (wanted.rules ?? []).filter((r) => !rulesCover(have, r));
  const labels = { ...existing.metadata?.labels, ...wanted.metadata?.labels };
  const labelsChanged = JSON.stringify(labels) !== JSON.stringify(existing.metadata?.labels ?? {});
  const aggregationMissing = wanted.aggregationRule !== undefined && existing.aggregationRule === undefined;
  if (missing.length === 0 && !labelsChanged && !aggregationMissing) return undefined;
  return {
    ...existing,
    metadata: { ...existing.metadata, labels },
    rules: [...have, ...missing],
    ...(aggregationMissing ? { aggregationRule: wanted.aggregationRule } : {}),
  };
}

export function reconcileBinding(
  existing: ClusterRoleBinding,
  wanted: ClusterRoleBinding,
): ClusterRoleBinding | undefined {
  if (existing.metadata?.annotations?.[autoupdateAnnotation] === "false") return undefined;
  const have = existing.subjects ?? [];
  const same = (a: Subject, b: Subject) =>
    a.kind === b.kind && a.name === b.name && (a.namespace ?? "") === (b.namespace ?? "");
  const missing = (wanted.subjects ?? []).filter((w) => !have.some((h) => same(h, w)));
  if (missing.length === 0) return undefined;
  return { ...existing, subjects: [...have, ...missing] };
}

/** Creates or repairs the bootstrap roles and bindings; returns one problem line per failure. */
export async function reconcileBootstrapPolicy(handler: ApiHandler): Promise<string[]> {
  const problems: string[] = [];
  type Reconcile = (existing: unknown, wanted: unknown) => unknown;
  const job = (resource: string, wanted: ClusterRole | ClusterRoleBinding, reconcile: Reconcile) => {
    const ns = wanted.metadata?.namespace;
    return { resource, wanted, reconcile, path: `${rbacPath}${ns ? `/namespaces/${ns}` : ""}/${resource}` };
  };
  const jobs = [
    ...bootstrapClusterRoles().map((r) => job("clusterroles", r, reconcileRole as Reconcile)),
    ...bootstrapClusterRoleBindings().map((b) =>
      job("clusterrolebindings", b, reconcileBinding as Reconcile),
    ),
    // Role and RoleBinding have the fields of their cluster-wide kinds that reconciling looks at.
    ...controllerRoles().map((r) => job("roles", r as ClusterRole, reconcileRole as Reconcile)),
    ...controllerRoleBindings().map((b) =>
      job("rolebindings", b as ClusterRoleBinding, reconcileBinding as Reconcile),
    ),
  ];
  for (const { resource, wanted, reconcile, path } of jobs) {
    const name = wanted.metadata?.name ?? "";
    const got = await inProcessRequest(handler, {
      method: "GET",
      path: `${path}/${name}`,
      user: apiserverUser,
    });
    let res: { status: number; body: string } | undefined;
    if (got.status === 404) {
      res = await inProcessRequest(handler, {
        method: "POST",
        path,
        user: apiserverUser,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(withAutoupdate(wanted)),
      });
    } else if (got.status === 200) {
      const existing = JSON.parse(got.body);
      const updated = reconcile(existing, wanted);
      if (updated) {
        res = await inProcessRequest(handler, {
          method: "PUT",
          path: `${path}/${name}`,
          user: apiserverUser,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(updated),
        });
      }
    } else res = got;
    if (res && res.status >= 300) problems.push(`${resource}/${name}: ${res.status} ${res.body}`);
  }
  return problems;
}
