// The controllers' own roles (upstream bootstrappolicy/controller_policy.go and namespace_policy.go):
// ClusterRole system:controller:<sa> bound to the ServiceAccount kube-system/<sa> each controller
// runs as, so a controller can do no more than its job needs.
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
} from "kubernetes-types/rbac/v1.js";

const core = "";
const read = ["get", "list", "watch"];
const rbacGroup = "rbac.authorization.k8s.io";
export const controllerRolePrefix = "system:controller:";

function rule(verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule {
  return { verbs, apiGroups: groups, resources, ...(names ? { resourceNames: names } : {}) };
}

const events = rule(["create", "update", "patch"], [core, "events.k8s.io"], ["events"]);

/** Rules per service account name (kube-system/<name>), as upstream defines them. */
const controllerRules: Record<string, PolicyRule[]> = {
  "certificate-controller": [
    rule(["get", "list", "watch", "delete"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
    rule(
      ["update"],
      ["certificates.k8s.io"],
      ["certificatesigningrequests/status", "certificatesigningrequests/approval"],
    ),
    rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client-kubelet"]),
    rule(
      ["sign"],
      ["certificates.k8s.io"],
      ["signers"],
      [
        "kubernetes.io/legacy-unknown",
        "kubernetes.io/kube-apiserver-client",
        "kubernetes.io/kube-apiserver-client-kubelet",
        "kubernetes.io/kubelet-serving",
      ],
    ),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    events,
  ],
  "cronjob-controller": [
    rule(["get", "list", "watch", "update"], ["batch"], ["cronjobs"]),
    rule(["get", "list", "watch", "create", "update", "delete", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["cronjobs/status", "cronjobs/finalizers"]),
    rule(["list", "watch", "delete"], [core], ["pods"]),
    events,
  ],
  "daemon-set-controller": [
    rule(read, ["extensions", "apps"], ["daemonsets"]),
    rule(["update"], ["extensions", "apps"], ["daemonsets/status", "daemonsets/finalizers"]),
    rule(["list", "watch"], [core], ["nodes"]),
    rule(["list", "watch", "create", "delete", "patch"], [core], ["pods"]),
    rule(["create"], [core], ["pods/binding"]),
    rule(["get", "list", "watch", "create", "delete", "update", "patch"], ["apps"], ["controllerrevisions"]),
    events,
  ],
  "deployment-controller": [
    rule(["get", "list", "watch", "update"], ["extensions", "apps"], ["deployments"]),
    // Skiff's controller merge-patches the revision annotation where upstream's updates.
    rule(["patch"], ["apps"], ["deployments"]),
    rule(["update"], ["extensions", "apps"], ["deployments/status", "deployments/finalizers"]),
    rule(
      ["get", "list", "watch", "create", "update", "patch", "delete"],
      ["apps", "extensions"],
      ["replicasets"],
    ),
    rule(["get", "list", "watch", "update"], [core], ["pods"]),
    events,
  ],
  "disruption-controller": [
    rule(read, ["extensions", "apps"], ["deployments", "replicasets", "statefulsets"]),
    rule(read, [core], ["replicationcontrollers"]),
    rule(read, ["policy"], ["poddisruptionbudgets"]),
    rule(["update"], ["policy"], ["poddisruptionbudgets/status"]),
    rule(["patch", "update"], [core], ["pods/status"]),
    rule(["get"], ["*"], ["*/scale"]),
    events,
  ],
  "endpoint-controller": [
    rule(read, [core], ["services", "pods"]),
    rule(["get", "list", "watch", "create", "update", "delete"], [core], ["endpoints"]),
    rule(["create"], [core], ["endpoints/restricted"]),
    events,
  ],
  "endpointslice-controller": [
    rule(read, [core], ["services", "pods", "nodes"]),
    rule(["update"], [core], ["services/finalizers"]),
    rule(["get", "list", "watch", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
    events,
  ],
  "generic-garbage-collector": [
    rule(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"]),
    events,
  ],
  "horizontal-pod-autoscaler": [
    rule(read, ["autoscaling"], ["horizontalpodautoscalers"]),
    rule(["update"], ["autoscaling"], ["horizontalpodautoscalers/status"]),
    rule(["get", "update"], ["*"], ["*/scale"]),
    rule(["list", "watch"], [core], ["pods"]),
    rule(["list", "watch"], ["metrics.k8s.io"], ["pods"]),
    rule(read, ["custom.metrics.k8s.io"], ["*"]),
    rule(read, ["external.metrics.k8s.io"], ["*"]),
    events,
  ],
  "job-controller": [
    rule(["get", "list", "watch", "update", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["jobs/status", "jobs/finalizers"]),
    rule(["list", "watch", "create", "delete", "patch"], [core], ["pods"]),
    events,
  ],
  "namespace-controller": [
    rule(["get", "list", "watch", "delete"], [core], ["namespaces"]),
    rule(["update"], [core], ["namespaces/finalize", "namespaces/status"]),
    rule(["get", "list", "watch", "delete", "deletecollection"], ["*"], ["*"]),
  ],
  "node-controller": [
    rule(["get", "list", "watch", "update", "delete", "patch"], [core], ["nodes"]),
    rule(["patch", "update"], [core], ["nodes/status", "pods/status"]),
    rule(["list", "watch", "get", "delete"], [core], ["pods"]),
    events,
  ],
  "persistent-volume-binder": [
    rule(["get", "list", "watch", "update", "create", "delete"], [core], ["persistentvolumes"]),
    rule(["update"], [core], ["persistentvolumes/status", "persistentvolumeclaims/status"]),
    rule(["get", "list", "watch", "update"], [core], ["persistentvolumeclaims"]),
    // Skiff's binder merge-patches the storage-provisioner annotation where upstream's updates.
    rule(["patch"], [core], ["persistentvolumeclaims"]),
    rule(["list", "watch", "get", "create", "delete"], [core], ["pods"]),
    rule(read, ["storage.k8s.io"], ["storageclasses"]),
    rule(["list", "watch"], [core], ["nodes"]),
    events,
    rule(["watch"], [core], ["events"]),
    rule(["get"], [core], ["services"]),
  ],
  "replicaset-controller": [
    rule(["get", "list", "watch", "update"], ["apps", "extensions"], ["replicasets"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/status", "replicasets/finalizers"]),
    rule(["list", "watch", "patch", "create", "delete"], [core], ["pods"]),
    events,
  ],
  "replication-controller": [
    rule(["get", "list", "watch", "update"], [core], ["replicationcontrollers"]),
    rule(["update"], [core], ["replicationcontrollers/status", "replicationcontrollers/finalizers"]),
    rule(["list", "watch", "patch", "create", "delete"], [core], ["pods"]),
    events,
  ],
  "resourcequota-controller": [
    rule(["list", "watch"], ["*"], ["*"]),
    rule(["update"], [core], ["resourcequotas/status"]),
    events,
  ],
  "root-ca-cert-publisher": [rule(["create", "update"], [core], ["configmaps"]), events],
  "service-account-controller": [rule(["create"], [core], ["serviceaccounts"]), events],
  "service-controller": [
    rule(read, [core], ["services"]),
    rule(["patch", "update"], [core], ["services/status"]),
    rule(["list", "watch"], [core], ["nodes"]),
    events,
  ],
  "statefulset-controller": [
    rule(["list", "watch"], [core], ["pods"]),
    rule(read, ["apps"], ["statefulsets"]),
    rule(["update"], ["apps"], ["statefulsets/status", "statefulsets/finalizers"]),
    rule(["get", "create", "delete", "update", "patch"], [core], ["pods"]),
    rule(["get", "create", "delete", "update", "patch", "list", "watch"], ["apps"], ["controllerrevisions"]),
    rule(["get", "create", "list", "watch"], [core], ["persistentvolumeclaims"]),
    rule(["update", "delete"], [core], ["persistentvolumeclaims"]),
    // Skiff's controller patches a condemned pod's claims (owner reference) where upstream's updates.
    rule(["patch"], [core], ["persistentvolumeclaims"]),
    rule(["update"], [core], ["pods/finalizers"]),
    events,
  ],
  "ttl-after-finished-controller": [rule(["get", "list", "watch", "delete"], ["batch"], ["jobs"]), events],
  // Skiff's own: the built-in local-path provisioner (k3s runs it with a role like this one).
  "local-path-provisioner": [
    rule(["get", "create"], ["storage.k8s.io"], ["storageclasses"]),
    rule(read, ["storage.k8s.io"], ["storageclasses"]),
    rule(["get", "list", "watch", "create", "delete"], [core], ["persistentvolumes"]),
    rule(read, [core], ["persistentvolumeclaims"]),
    events,
  ],
};

/** The service accounts the controller-manager's controllers run as (kube-system/<name>). */
export const controllerServiceAccountNames: readonly string[] = [
  ...Object.keys(controllerRules),
  "bootstrap-signer",
  "token-cleaner",
];

export function controllerClusterRoles(): ClusterRole[] {
  return Object.entries(controllerRules).map(([sa, rules]) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: {
      name: `${controllerRolePrefix}${sa}`,
      labels: { "kubernetes.io/bootstrapping": "rbac-defaults" },
    },
    rules,
  }));
}

const saSubject = (name: string) => ({ kind: "ServiceAccount", name, namespace: "kube-system" });

export function controllerClusterRoleBindings(): ClusterRoleBinding[] {
  return Object.keys(controllerRules).map((sa) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: {
      name: `${controllerRolePrefix}${sa}`,
      labels: { "kubernetes.io/bootstrapping": "rbac-defaults" },
    },
    roleRef: { apiGroup: rbacGroup, kind: "ClusterRole", name: `${controllerRolePrefix}${sa}` },
    subjects: [saSubject(sa)],
  }));
}

/** Namespaced roles (upstream namespace_policy.go): the bootstrap token controllers touch only their namespaces. */
const namespacedRules: [namespace: string, sa: string, rules: PolicyRule[]][] = [
  ["kube-system", "bootstrap-signer", [rule(read, [core], ["secrets"])]],
  ["kube-system", "token-cleaner", [rule(["delete", "get", "list", "watch"], [core], ["secrets"]), events]],
  [
    "kube-public",
    "bootstrap-signer",
    [rule(read, [core], ["configmaps"]), rule(["update"], [core], ["configmaps"], ["cluster-info"]), events],
  ],
];

export function controllerRoles(): Role[] {
  return namespacedRules.map(([namespace, sa, rules]) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: `${controllerRolePrefix}${sa}`, namespace },
    rules,
  }));
}

export function controllerRoleBindings(): RoleBinding[] {
  return namespacedRules.map(([namespace, sa]) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: `${controllerRolePrefix}${sa}`, namespace },
    roleRef: { apiGroup: rbacGroup, kind: "Role", name: `${controllerRolePrefix}${sa}` },
    subjects: [saSubject(sa)],
  }));
}
