// The default ClusterRoles Kubernetes bootstraps (plugin/pkg/auth/authorizer/rbac/bootstrappolicy),
// as data: user-facing roles with their aggregation labels, discovery and system component roles.
import type { ClusterRole, PolicyRule } from "kubernetes-types/rbac/v1.js";
import { controllerClusterRoles, controllerServiceAccountNames } from "./controller-roles.ts";

/** A rule: verbs on resources of groups, optionally only some names. */
export function rule(verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule {
  return { verbs, apiGroups: groups, resources, ...(names ? { resourceNames: names } : {}) };
}

export function urlRule(verbs: string[], urls: string[]): PolicyRule {
  return { verbs, nonResourceURLs: urls };
}

const read = ["get", "list", "watch"];
const readWrite = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const write = ["create", "update", "patch", "delete", "deletecollection"];
const core = "";
const events = rule(["create", "update", "patch"], [core, "events.k8s.io"], ["events"]);

const aggregateTo = (level: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${level}`]: "true" });

function role(name: string, rules: PolicyRule[], labels?: Record<string, string>): ClusterRole {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, ...(labels ? { labels } : {}) },
    rules,
  };
}

function aggregated(name: string, level: string, labels?: Record<string, string>): ClusterRole {
  return {
    ...role(name, [], labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregateTo(level) }] },
  };
}

const viewRules: PolicyRule[] = [
  rule(
    read,
    [core],
    [
      "pods",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "serviceaccounts",
      "services",
      "services/status",
      "endpoints",
      "persistentvolumeclaims",
      "persistentvolumeclaims/status",
      "configmaps",
      "pods/status",
      "resourcequotas",
      "resourcequotas/status",
      "replicationcontrollers/status",
      "limitranges",
      "bindings",
      "events",
      "pods/log",
      "namespaces",
      "namespaces/status",
    ],
  ),
  rule(read, ["discovery.k8s.io"], ["endpointslices"]),
  rule(
    read,
    ["apps"],
    [
      "controllerrevisions",
      "statefulsets",
      "statefulsets/scale",
      "statefulsets/status",
      "daemonsets",
      "daemonsets/status",
      "deployments",
      "deployments/scale",
      "deployments/status",
      "replicasets",
      "replicasets/scale",
      "replicasets/status",
    ],
  ),
  rule(read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
  rule(read, ["batch"], ["jobs", "cronjobs", "jobs/status", "cronjobs/status"]),
  rule(read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
  rule(read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
];

const editRules: PolicyRule[] = [
  rule(["impersonate"], [core], ["serviceaccounts"]),
  rule(write, [core], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
  rule(["create"], [core], ["pods/eviction"]),
  rule(
    write,
    [core],
    [
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "serviceaccounts",
      "services",
      "services/proxy",
      "persistentvolumeclaims",
      "configmaps",
      "secrets",
      "endpoints",
    ],
  ),
  rule(["create"], [core], ["serviceaccounts/token"]),
  rule(
    read,
    [core],
    ["secrets", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "services/proxy"],
  ),
  rule(
    write,
    ["apps"],
    [
      "statefulsets",
      "statefulsets/scale",
      "daemonsets",
      "deployments",
      "deployments/scale",
      "deployments/rollback",
      "replicasets",
      "replicasets/scale",
    ],
  ),
  rule(write, ["autoscaling"], ["horizontalpodautoscalers"]),
  rule(write, ["batch"], ["jobs", "cronjobs"]),
  rule(write, ["policy"], ["poddisruptionbudgets"]),
  rule(write, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
  rule(write, ["discovery.k8s.io"], ["endpointslices"]),
  rule(readWrite, ["coordination.k8s.io"], ["leases"]),
];

const adminRules: PolicyRule[] = [
  rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
  rule([...readWrite], ["rbac.authorization.k8s.io"], ["roles", "rolebindings"]),
];

const discoveryUrls = [
  "/api",
  "/api/*",
  "/apis",
  "/apis/*",
  "/healthz",
  "/livez",
  "/openapi",
  "/openapi/*",
  "/readyz",
  "/version",
  "/version/",
];

const reviews = [
  rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
  rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
];

/** The rules of Skiff's in-process controllers (the union of upstream's per-controller roles for them). */
const controllerManagerRules: PolicyRule[] = [
  events,
  rule(["create"], ["coordination.k8s.io"], ["leases"]),
  rule(
    ["get", "update"],
    ["coordination.k8s.io"],
    ["leases"],
    ["kube-controller-manager", "skiff-controller-manager"],
  ),
  rule(["create"], [core], ["secrets", "serviceaccounts", "configmaps"]),
  rule(["delete"], [core], ["secrets"]),
  rule(["get"], [core], ["namespaces", "secrets", "serviceaccounts", "configmaps"]),
  rule(["update"], [core], ["secrets", "serviceaccounts"]),
  ...reviews,
  rule(["list", "watch"], ["*"], ["*"]),
  rule(["create"], [core], ["serviceaccounts/token"]),
  // replicaset, replicationcontroller, deployment controllers.
  rule(["get", "list", "watch", "update"], ["apps"], ["replicasets", "deployments"]),
  rule(["create", "patch", "delete"], ["apps"], ["replicasets"]),
  rule(
    ["update"],
    ["apps"],
    ["replicasets/status", "replicasets/finalizers", "deployments/status", "deployments/finalizers"],
  ),
  rule(["get", "list", "watch", "update"], [core], ["replicationcontrollers"]),
  rule(["update"], [core], ["replicationcontrollers/status", "replicationcontrollers/finalizers"]),
  rule(["get", "list", "watch", "create", "update", "patch", "delete"], [core], ["pods"]),
  // endpoints and endpointslice controllers.
  rule(["get", "list", "watch", "create", "update", "delete"], [core], ["endpoints"]),
  rule(["create"], [core], ["endpoints/restricted"]),
  rule(["get", "list", "watch", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
  rule(["update"], [core], ["services/finalizers", "endpoints/finalizers"]),
  // daemonset, statefulset, job/cronjob controllers, the PV provisioner and the disruption and
  // node lifecycle controllers (their updates and deletes are covered by the rule below).
  rule(["create"], ["apps"], ["controllerrevisions"]),
  rule(["create"], ["batch"], ["jobs"]),
  rule(["create"], [core], ["persistentvolumeclaims", "persistentvolumes", "pods/eviction"]),
  rule(["create"], ["storage.k8s.io"], ["storageclasses"]),
  // garbage collector and namespace controller: every resource, but never create.
  rule(["get", "list", "watch", "patch", "update", "delete", "deletecollection"], ["*"], ["*"]),
  rule(["update"], [core], ["namespaces/finalize", "namespaces/status"]),
  // service load-balancer controller (servicelb): reads Services and Nodes, writes Service status.
  rule(read, [core], ["services", "nodes"]),
  rule(["patch", "update"], [core], ["services/status"]),
  // Each controller runs as its service account, impersonated over the manager's connection
  // (controllers/identities.ts) instead of upstream's token per controller.
  rule(["impersonate"], [core], ["serviceaccounts"], [...controllerServiceAccountNames]),
];

const schedulerRules: PolicyRule[] = [
  events,
  rule(["create"], ["coordination.k8s.io"], ["leases"]),
  rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler", "skiff-scheduler"]),
  rule(["create"], [core], ["endpoints"]),
  rule(["get", "update"], [core], ["endpoints"], ["kube-scheduler"]),
  rule(read, [core], ["nodes"]),
  rule(["get", "list", "watch", "delete"], [core], ["pods"]),
  rule(["create"], [core], ["pods/binding", "bindings"]),
  rule(["patch", "update"], [core], ["pods/status"]),
  rule(read, [core], ["replicationcontrollers", "services"]),
  rule(read, ["apps", "extensions"], ["replicasets"]),
  rule(read, ["apps"], ["statefulsets"]),
  rule(read, ["policy"], ["poddisruptionbudgets"]),
  rule(["get", "list", "watch", "update"], [core], ["persistentvolumeclaims", "persistentvolumes"]),
  ...reviews,
  rule(read, ["storage.k8s.io"], ["csinodes", "csidrivers", "csistoragecapacities", "storageclasses"]),
  rule(read, [core], ["namespaces"]),
  rule(read, ["scheduling.k8s.io"], ["priorityclasses"]),
];

const nodeRules: PolicyRule[] = [
  ...reviews,
  rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
  rule(read, [core], ["services"]),
  rule(["create", "get", "list", "watch", "patch", "update", "delete"], [core], ["nodes"]),
  rule(["patch", "update"], [core], ["nodes/status"]),
  rule(events.verbs, events.apiGroups ?? [], events.resources ?? []),
  rule(read, [core], ["pods"]),
  rule(["create", "delete"], [core], ["pods"]),
  rule(["update", "patch"], [core], ["pods/status"]),
  rule(["create"], [core], ["pods/eviction"]),
  rule(["get"], [core], ["secrets", "configmaps"]),
  rule(["get"], [core], ["persistentvolumeclaims", "persistentvolumes"]),
  rule(["get"], [core], ["endpoints"]),
  rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
  rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
  rule(["get"], ["storage.k8s.io"], ["volumeattachments", "csidrivers"]),
  rule(["create"], [core], ["serviceaccounts/token"]),
  rule(["get", "update", "patch"], [core], ["persistentvolumeclaims/status"]),
  rule(["get", "watch", "list"], ["node.k8s.io"], ["runtimeclasses"]),
];

export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    role("cluster-admin", [rule(["*"], ["*"], ["*"]), urlRule(["*"], ["*"])]),
    role("system:discovery", [urlRule(["get"], discoveryUrls)]),
    role("system:basic-user", [
      rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
      rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
    ]),
    role("system:public-info-viewer", [
      urlRule(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"]),
    ]),
    aggregated("admin", "admin"),
    aggregated("edit", "edit", aggregateTo("admin")),
    aggregated("view", "view", aggregateTo("edit")),
    role("system:aggregate-to-admin", adminRules, aggregateTo("admin")),
    role("system:aggregate-to-edit", editRules, aggregateTo("edit")),
    role("system:aggregate-to-view", viewRules, aggregateTo("view")),
    // What metrics-server's install adds: everyone who may view a namespace may read its usage.
    role("system:aggregated-metrics-reader", [rule(read, ["metrics.k8s.io"], ["pods", "nodes"])], {
      ...aggregateTo("view"),
      ...aggregateTo("edit"),
      ...aggregateTo("admin"),
    }),
    role("system:monitoring", [
      urlRule(
        ["get"],
        ["/healthz", "/healthz/*", "/livez", "/livez/*", "/readyz", "/readyz/*", "/metrics", "/metrics/slis"],
      ),
    ]),
    role("system:auth-delegator", reviews),
    role("system:kube-controller-manager", controllerManagerRules),
    role("system:kube-scheduler", schedulerRules),
    ...controllerClusterRoles(),
    role("system:volume-scheduler", [
      rule(["get", "list", "watch", "update", "patch"], [core], ["persistentvolumes"]),
      rule(read, ["storage.k8s.io"], ["storageclasses"]),
      rule(["get", "list", "watch", "patch", "update"], [core], ["persistentvolumeclaims"]),
    ]),
    role("system:node", nodeRules),
    role("system:node-proxier", [
      rule(["list", "watch"], [core], ["services", "endpoints"]),
      rule(["get"], [core], ["nodes"]),
      rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
      events,
    ]),
    role("system:node-bootstrapper", [
      rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
    ]),
    // What a node's service proxy needs beyond the Node authorizer's static rules (which cover Services).
    role("skiff:node-service-proxy", [rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"])]),
    // What `skiff agent --ingress` needs: route Ingresses and report the serving nodes in their status.
    role("skiff:node-ingress", [
      rule(["list", "watch"], ["networking.k8s.io"], ["ingresses", "ingressclasses"]),
      rule(["update", "patch"], ["networking.k8s.io"], ["ingresses/status"]),
    ]),
    role("system:kube-dns", [rule(["list", "watch"], [core], ["endpoints", "services"])]),
    role("system:service-account-issuer-discovery", [
      urlRule(
        ["get"],
        [
          "/.well-known/openid-configuration",
          "/.well-known/openid-configuration/",
          "/openid/v1/jwks",
          "/openid/v1/jwks/",
        ],
      ),
    ]),
    role("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [
      rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/nodeclient"]),
    ]),
    role("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [
      rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/selfnodeclient"]),
    ]),
  ];
}
