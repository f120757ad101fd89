// Empties a terminating namespace (Kubernetes' namespaced resources deleter): delete every
// namespaced resource in it, and once nothing is left remove the `kubernetes` finalizer from
// spec.finalizers, which lets the API server remove the namespace.
import type { Namespace, Pod } from "kubernetes-types/core/v1.js";
import type { NamespaceDeletionClient, NamespacedResource } from "./client.ts";

export const kubernetesFinalizer = "kubernetes";

export type DeletionOutcome =
  /** Not terminating, gone, or finalized: nothing more to do. */
  | { done: true }
  /** Content remains (pods terminating, finalizers); look again in about `retryAfterSeconds`. */
  | { done: false; retryAfterSeconds: number; remaining: string[] };

/** Kubernetes' estimate for pods: the longest grace period of a pod still running. */
export function estimatePodTermination(pods: readonly Pod[]): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
  }
  return estimate;
}

const isPods = (r: NamespacedResource): boolean => r.group === "" && r.resource === "pods";

const resourceName = (r: NamespacedResource): string => (r.group ? `${r.resource}.${r.group}` : r.resource);

async function emptyResource(
  client: NamespaceDeletionClient,
  resource: NamespacedResource,
  namespace: string,
): Promise<{ remaining: number; estimate: number }> {
  if (!resource.verbs.includes("list")) return { remaining: 0, estimate: 0 };
  if (resource.verbs.includes("deletecollection")) {
    await client.deleteCollection(resource, namespace);
  } else if (resource.verbs.includes("delete")) {
    for (const obj of await client.list(resource, namespace)) {
      await client.deleteObject(resource, namespace, obj.metadata?.name ?? "");
    }
  } else return { remaining: 0, estimate: 0 };
  const left = await client.list(resource, namespace);
  const estimate = isPods(resource) ? estimatePodTermination(left as Pod[]) : 0;
  return { remaining: left.length, estimate };
}

/** One pass over a namespace: level-triggered, safe to repeat. */
export async function deleteNamespaceContent(
  client: NamespaceDeletionClient,
  name: string,
): Promise<DeletionOutcome> {
  const ns: Namespace | undefined = await client.getNamespace(name);
  if (!ns?.metadata?.deletionTimestamp) return { done: true };
  const finalizers = ns.spec?.finalizers ?? [];
  if (!finalizers.includes(kubernetesFinalizer)) return { done: true };
  const remaining: string[] = [];
  let estimate = 0;
  for (const resource of await client.namespacedResources()) {
    const left = await emptyResource(client, resource, name);
    if (left.remaining > 0)
      remaining.push(`${resourceName(resource)} has ${left.remaining} resource instances`);
    estimate = Math.max(estimate, left.estimate);
  }
  if (remaining.length > 0) {
    // Kubernetes looks again after half the estimate, plus a second.
    return { done: false, retryAfterSeconds: Math.floor(estimate / 2) + 1, remaining };
  }
  await client.finalize(
    ns,
    finalizers.filter((f) => f !== kubernetesFinalizer),
  );
  return { done: true };
}
