// Objects every cluster starts with, created through the normal request path (so defaulting,
// validation and allocation apply) and left alone when they already exist.
import { systemPriorityClasses } from "../api/scheduling/priorityclass.ts";
import type { ApiHandler } from "./handler.ts";
import { inProcessRequest } from "./inprocess.ts";

const systemUser = { name: "system:apiserver", groups: ["system:masters"] };

export const seedNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

export interface SeedObject {
  path: string;
  body: Record<string, unknown>;
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
  }
  return problems;
}
