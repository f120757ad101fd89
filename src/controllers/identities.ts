// Which ServiceAccount each controller runs as (kube-controller-manager's
// --use-service-account-credentials): upstream's account names, bound to system:controller:<name>.
// Skiff impersonates the account over the manager's own connection instead of minting tokens.
import { RestClient } from "../client/rest.ts";
import { ImpersonatingTransport } from "./podautoscaler/identity.ts";

/** Controller name → service account name in kube-system (upstream's ClientBuilder names). */
const serviceAccountOf: Record<string, string> = {
  "replicaset-controller": "replicaset-controller",
  "replicationcontroller-controller": "replication-controller",
  "deployment-controller": "deployment-controller",
  "daemonset-controller": "daemon-set-controller",
  "statefulset-controller": "statefulset-controller",
  "job-controller": "job-controller",
  "cronjob-controller": "cronjob-controller",
  "ttl-after-finished-controller": "ttl-after-finished-controller",
  "garbage-collector-controller": "generic-garbage-collector",
  "namespace-controller": "namespace-controller",
  "serviceaccount-controller": "service-account-controller",
  "root-ca-cert-publisher": "root-ca-cert-publisher",
  "endpoint-controller": "endpoint-controller",
  "endpointslice-controller": "endpointslice-controller",
  // Upstream's node IPAM and taint eviction controllers use the node controller's account too.
  "node-lifecycle-controller": "node-controller",
  "node-ipam-controller": "node-controller",
  "taint-eviction-controller": "node-controller",
  "disruption-controller": "disruption-controller",
  "persistentvolume-binder-controller": "persistent-volume-binder",
  "resourcequota-controller": "resourcequota-controller",
  "horizontal-pod-autoscaler": "horizontal-pod-autoscaler",
  // servicelb does what upstream's service (load balancer) controller does.
  "service-lb-controller": "service-controller",
  csrapproving: "certificate-controller",
  csrsigning: "certificate-controller",
  "bootstrap-signer-controller": "bootstrap-signer",
  "token-cleaner-controller": "token-cleaner",
  "local-path-provisioner": "local-path-provisioner",
};

export const controllerNamespace = "kube-system";

/** The account a controller runs as; undefined for controllers without one (they act as the manager). */
export function controllerServiceAccount(controller: string): string | undefined {
  return serviceAccountOf[controller];
}

export function serviceAccountUser(serviceAccount: string): string {
  return `system:serviceaccount:${controllerNamespace}:${serviceAccount}`;
}

/** A client acting as `serviceAccount` over `base`'s connection (closing it leaves `base` open). */
export function clientAs(base: RestClient, serviceAccount: string, controller: string): RestClient {
  return new RestClient({
    transport: new ImpersonatingTransport(base.transport, serviceAccountUser(serviceAccount)),
    userAgent: `skiff-controller-manager/${controller}`,
  });
}

/** Every account some controller runs as, each once. */
export function controllerServiceAccounts(): string[] {
  return [...new Set(Object.values(serviceAccountOf))];
}
