// Shared by the endpoints and endpoint-slice controllers: the resources they read, the keys
// (`namespace/name` of services) that service and pod changes queue, and a key-order-insensitive
// comparison so that unchanged endpoints are not written again.
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import { namespaceIndex, objectKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import { selects } from "./pods.ts";

export const servicesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "services",
  namespaced: true,
  kind: "Service",
};
export const podsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "pods",
  namespaced: true,
  kind: "Pod",
};

/** Queues a service on its own changes, and every service selecting a pod (before or after) on pod changes. */
export function registerServicePodHandlers(
  services: Informer<Service>,
  pods: Informer<Pod>,
  queue: WorkQueue<string>,
): { remove(): void }[] {
  const enqueueService = (svc: Service): void => queue.add(objectKey(svc));
  const enqueueFor = (pod: Pod): void => {
    const ns = pod.metadata?.namespace;
    if (!ns) return;
    for (const svc of services.indexer.byIndex(namespaceIndex, ns))
      if (selects(svc, pod)) enqueueService(svc);
  };
  return [
    services.addEventHandler({
      onAdd: enqueueService,
      onUpdate: (_, svc) => enqueueService(svc),
      onDelete: enqueueService,
    }),
    pods.addEventHandler({
      onAdd: enqueueFor,
      onUpdate: (old, pod) => {
        enqueueFor(pod);
        if (JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {}))
          enqueueFor(old);
      },
      onDelete: enqueueFor,
    }),
  ];
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
