// Empties a terminating namespace (Kubernetes' namespaced resources deleter): delete every
// namespaced resource in it, report progress as status conditions, and once nothing is left
// remove the `kubernetes` finalizer from spec.finalizers, which lets the API server remove it.
import type { Namespace, Pod } from "kubernetes-types/core/v1.js";
import type { NamespaceDeletionClient, NamespacedResource } from "./client.ts";
import { type DeletionTotals, deletionConditions, sameConditions } from "./conditions.ts";

export const kubernetesFinalizer = "kubernetes";

export type DeletionOutcome =
  /** Not terminating, gone, or finalized: nothing more to do. */
  | { done: true }
  /** Content remains (pods terminating, finalizers); look again in about `retryAfterSeconds`. */
  | { done: false; retryAfterSeconds: number; remaining: string[] };

/** A pass that could not delete everything (discovery or content failures); it is retried. */
export class NamespaceDeletionError extends Error {
  constructor(
    readonly namespace: string,
    readonly failures: string[],
  ) {
    super(`namespace ${namespace}: ${failures.join("; ")}`);
    this.name = "NamespaceDeletionError";
  }
}

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

/** Kubernetes writes `resource.group`, which leaves a trailing dot for the core group. */
const resourceName = (r: NamespacedResource): string => `${r.resource}.${r.group}`;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function emptyResource(
  client: NamespaceDeletionClient,
  resource: NamespacedResource,
  namespace: string,
  totals: DeletionTotals,
): Promise<number> {
  if (!resource.verbs.includes("list")) return 0;
  if (resource.verbs.includes("deletecollection")) {
    await client.deleteCollection(resource, namespace);
  } else if (resource.verbs.includes("delete")) {
    for (const obj of await client.list(resource, namespace)) {
      await client.deleteObject(resource, namespace, obj.metadata?.name ?? "");
    }
  } else return 0;
  const left = await client.list(resource, namespace);
  if (left.length > 0) totals.remaining.set(resourceName(resource), left.length);
  for (const obj of left) {
    for (const f of obj.metadata?.finalizers ?? [])
      totals.finalizers.set(f, (totals.finalizers.get(f) ?? 0) + 1);
  }
  return isPods(resource) ? estimatePodTermination(left as Pod[]) : 0;
}

/** One pass over a namespace: level-triggered, safe to repeat. Throws NamespaceDeletionError on failures. */
export async function deleteNamespaceContent(
  client: NamespaceDeletionClient,
  name: string,
  now: () => Date = () => new Date(),
): Promise<DeletionOutcome> {
  let ns: Namespace | undefined = await client.getNamespace(name);
  if (!ns?.metadata?.deletionTimestamp) return { done: true };
  const finalizers = ns.spec?.finalizers ?? [];
  if (!finalizers.includes(kubernetesFinalizer)) return { done: true };
  const totals: DeletionTotals = {
    discoveryFailures: [],
    contentFailures: [],
    remaining: new Map(),
    finalizers: new Map(),
  };
  let estimate = 0;
  try {
    const discovered = await client.namespacedResources();
    totals.discoveryFailures.push(...discovered.failures);
    for (const resource of discovered.resources) {
      try {
        estimate = Math.max(estimate, await emptyResource(client, resource, name, totals));
      } catch (err) {
        totals.contentFailures.push(message(err));
      }
    }
  } catch (err) {
    totals.discoveryFailures.push(message(err));
  }
  const previous = ns.status?.conditions ?? [];
  const conditions = deletionConditions(totals, previous, now());
  if (!sameConditions(previous, conditions)) {
    ns = await client.updateConditions(ns, conditions);
    if (!ns) return { done: true };
  }
  const failures = [...totals.discoveryFailures, ...totals.contentFailures];
  if (failures.length > 0) throw new NamespaceDeletionError(name, failures);
  if (totals.remaining.size > 0) {
    // Kubernetes looks again after half the estimate, plus a second.
    const remaining = [...totals.remaining].map(([r, n]) => `${r} has ${n} resource instances`);
    return { done: false, retryAfterSeconds: Math.floor(estimate / 2) + 1, remaining };
  }
  await client.finalize(
    ns,
    (ns.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer),
  );
  return { done: true };
}
