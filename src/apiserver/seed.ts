// Objects every cluster starts with, created through the normal request path (so defaulting,
// validation and allocation apply) and left alone when they already exist.
import type { Registry } from "../api/registry.ts";
import { systemPriorityClasses } from "../api/scheduling/priorityclass.ts";
import type { ApiHandler } from "./handler.ts";
import { inProcessRequest } from "./inprocess.ts";

const systemUser = { name: "system:apiserver", groups: ["system:masters"] };

export const seedNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

export interface SeedObject {
  path: string;
  body: Record<string, unknown>;
  /** Written through the status subresource after creation (create ignores status). */
  status?: Record<string, unknown>;
  /** When the object exists already, merge the body into it (the server's own address may change). */
  reconcile?: boolean;
}

/**
 * The `kubernetes` service's Endpoints and EndpointSlice: the API server's own address, kept by
 * the server itself as Kubernetes' endpoint reconciler does (the service has no selector).
 */
export function apiServerEndpointsSeed(host: string, port: number): SeedObject[] {
  const labels = {
    "kubernetes.io/service-name": "kubernetes",
    "endpointslice.kubernetes.io/managed-by": "skiff-apiserver",
  };
  return [
    {
      path: "/api/v1/namespaces/default/endpoints",
      reconcile: true,
      body: {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name: "kubernetes", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
        subsets: [{ addresses: [{ ip: host }], ports: [{ name: "https", port, protocol: "TCP" }] }],
      },
    },
    {
      path: "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
      reconcile: true,
      body: {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { name: "kubernetes", labels },
        addressType: host.includes(":") ? "IPv6" : "IPv4",
        endpoints: [{ addresses: [host], conditions: { ready: true } }],
        ports: [{ name: "https", port, protocol: "TCP" }],
      },
    },
  ];
}

export function defaultSeed(serviceIp: string | undefined): SeedObject[] {
  const objects: SeedObject[] = seedNamespaces.map((name) => ({
    path: "/api/v1/namespaces",
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
  }));
  objects.push({
    path: "/api/v1/namespaces/default/services",
    body: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
      spec: {
        type: "ClusterIP",
        ...(serviceIp ? { clusterIP: serviceIp, clusterIPs: [serviceIp] } : {}),
        ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
        sessionAffinity: "None",
      },
    },
  });
  for (const pc of systemPriorityClasses) {
    objects.push({
      path: "/apis/scheduling.k8s.io/v1/priorityclasses",
      body: {
        apiVersion: "scheduling.k8s.io/v1",
        kind: "PriorityClass",
        metadata: { name: pc.name },
        value: pc.value,
        description: pc.description,
      },
    });
  }
  return objects;
}

// kube-aggregator's priorities for the built-in groups (apiVersionPriorities): higher groups come
// first in discovery; autoscaling/v2 outranks v1.
const groupPriority: Record<string, number> = {
  "": 18000,
  "apiregistration.k8s.io": 18000,
  apps: 17800,
  "events.k8s.io": 17750,
  autoscaling: 17500,
  batch: 17400,
  "networking.k8s.io": 17200,
  policy: 17100,
  "rbac.authorization.k8s.io": 17000,
  "storage.k8s.io": 16800,
  "scheduling.k8s.io": 16600,
  "coordination.k8s.io": 16500,
  "discovery.k8s.io": 16200,
};

/**
 * One APIService per served group version, served locally (`kubectl get apiservices` shows
 * SERVICE Local, AVAILABLE True), as Kubernetes' autoregister controller keeps them.
 */
export function apiServiceSeed(registry: Registry, now: Date): SeedObject[] {
  if (!registry.resource("apiregistration.k8s.io", "v1", "apiservices")) return [];
  const objects: SeedObject[] = [];
  for (const { group, versions } of registry.groups()) {
    versions.forEach((version, i) => {
      objects.push({
        path: "/apis/apiregistration.k8s.io/v1/apiservices",
        body: {
          apiVersion: "apiregistration.k8s.io/v1",
          kind: "APIService",
          metadata: {
            name: `${version}.${group}`,
            labels: { "kube-aggregator.kubernetes.io/automanaged": "onstart" },
          },
          spec: {
            ...(group ? { group } : {}),
            version,
            groupPriorityMinimum: groupPriority[group] ?? 1000,
            versionPriority: 15 + 15 * (versions.length - 1 - i),
          },
        },
        status: {
          conditions: [
            {
              type: "Available",
              status: "True",
              lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, "Z"),
              reason: "Local",
              message: "Local APIServices are always available",
            },
          ],
        },
      });
    });
  }
  return objects;
}

/**
 * The built-in ingress controller's IngressClass `skiff`, the default class (Ingresses that name
 * none get it); created by `skiff server` when it runs the ingress controller.
 */
export function ingressClassSeed(): SeedObject[] {
  return [
    {
      path: "/apis/networking.k8s.io/v1/ingressclasses",
      body: {
        apiVersion: "networking.k8s.io/v1",
        kind: "IngressClass",
        metadata: {
          name: "skiff",
          annotations: { "ingressclass.kubernetes.io/is-default-class": "true" },
          labels: { "app.kubernetes.io/managed-by": "skiff" },
        },
        spec: { controller: "skiff.dev/ingress" },
      },
    },
  ];
}

/** Creates the seed objects whose resource is served; returns what failed (other than exists). */
export async function seed(handler: ApiHandler, objects: SeedObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) {
    const res = await inProcessRequest(handler, {
      method: "POST",
      path: o.path,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(o.body),
      user: systemUser,
    });
    if (res.status !== 201 && res.status !== 409 && res.status !== 404)
      problems.push(`${o.path}: ${res.body}`);
    const name = (o.body.metadata as { name?: string } | undefined)?.name;
    if (o.reconcile && name && res.status === 409) {
      const merged = await inProcessRequest(handler, {
        method: "PATCH",
        path: `${o.path}/${name}`,
        headers: { "content-type": "application/merge-patch+json" },
        body: JSON.stringify(o.body),
        user: systemUser,
      });
      if (merged.status !== 200) problems.push(`${o.path}/${name}: ${merged.body}`);
    }
    if (o.status && name && res.status === 201) {
      const patched = await inProcessRequest(handler, {
        method: "PATCH",
        path: `${o.path}/${name}/status`,
        headers: { "content-type": "application/merge-patch+json" },
        body: JSON.stringify({ status: o.status }),
        user: systemUser,
      });
      if (patched.status !== 200) problems.push(`${o.path}/${name}/status: ${patched.body}`);
    }
  }
  return problems;
}
