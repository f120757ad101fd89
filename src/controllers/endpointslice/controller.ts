// The EndpointSlice controller: keeps the slices of each service with a selector (labelled with
// the service name and managed-by endpointslice-controller.k8s.io, owned by the service so the
// garbage collector removes them with it) equal to the desired slices of slices.ts.
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { ApiError } from "../../api/errors.ts";
import { namespaceIndex } from "../../client/informer/indexer.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import { WorkQueue } from "../../client/workqueue/queue.ts";
import { managesEndpoints, selects } from "../endpoints/pods.ts";
import {
  podsResource,
  registerServicePodHandlers,
  sameJson,
  servicesResource,
} from "../endpoints/servicequeue.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import {
  controllerName,
  type DesiredSlice,
  desiredSlices,
  existingKey,
  managedByLabel,
  serviceNameLabel,
  sliceLabels,
} from "./slices.ts";

export const endpointSlicesResource: ResourceCoords = {
  group: "discovery.k8s.io",
  version: "v1",
  resource: "endpointslices",
  namespaced: true,
  kind: "EndpointSlice",
};

const byServiceIndex = "service";
const serviceOf = (s: EndpointSlice): string[] => {
  const labels = s.metadata?.labels ?? {};
  const svc = labels[serviceNameLabel];
  return svc && labels[managedByLabel] === controllerName ? [`${s.metadata?.namespace}/${svc}`] : [];
};

const ignore = (codes: number[]) => (err: unknown) => {
  if (!(err instanceof ApiError && codes.includes(err.code))) throw err;
};

function sliceFor(service: Service, desired: DesiredSlice, existing?: EndpointSlice): EndpointSlice {
  const m = service.metadata ?? {};
  const metadata = existing?.metadata ?? {
    generateName: `${m.name}-`,
    namespace: m.namespace ?? "",
    ownerReferences: [
      {
        apiVersion: "v1",
        kind: "Service",
        name: m.name ?? "",
        uid: m.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { ...metadata, labels: sliceLabels(service) },
    addressType: desired.addressType,
    endpoints: desired.endpoints,
    ports: desired.ports,
  };
}

const unchanged = (a: EndpointSlice, b: EndpointSlice): boolean =>
  sameJson(a.endpoints ?? [], b.endpoints ?? []) &&
  sameJson(a.ports ?? [], b.ports ?? []) &&
  sameJson(a.metadata?.labels ?? {}, b.metadata?.labels ?? {});

export const endpointSliceController: ControllerDescriptor = {
  name: "endpointslice-controller",
  start(ctx) {
    const services = ctx.informers.informerFor<Service>(servicesResource);
    const pods = ctx.informers.informerFor<Pod>(podsResource);
    const slices = ctx.informers.informerFor<EndpointSlice>(
      endpointSlicesResource,
      {},
      { [byServiceIndex]: serviceOf },
    );
    const client = ctx.client.resource<EndpointSlice>(endpointSlicesResource);
    const queue = new WorkQueue<string>();
    const enqueueSlice = (s: EndpointSlice): void => {
      for (const key of serviceOf(s)) queue.add(key);
    };
    return startQueueController({
      ctx,
      name: "endpointslice-controller",
      queue,
      informers: [services, pods, slices],
      register: () => [
        ...registerServicePodHandlers(services, pods, queue),
        // Slices changed or deleted by someone else are put right.
        slices.addEventHandler({ onUpdate: (_, s) => enqueueSlice(s), onDelete: enqueueSlice }),
      ],
      sync: async (key) => {
        const service = services.indexer.get(key);
        // Slices of a deleted service go with it: they are owned by it (garbage collector).
        if (!service || !managesEndpoints(service)) return;
        const namespace = service.metadata?.namespace ?? "";
        const uid = service.metadata?.uid;
        const owned = slices.indexer
          .byIndex(byServiceIndex, key)
          .filter((s) => s.metadata?.ownerReferences?.some((r) => r.uid === uid))
          .sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));
        const selected = pods.indexer.byIndex(namespaceIndex, namespace).filter((p) => selects(service, p));
        const desired = desiredSlices(service, selected);
        const stale: EndpointSlice[] = [];
        const byKey = new Map<string, EndpointSlice[]>();
        for (const s of owned) {
          const k = existingKey(s);
          if (desired.has(k)) byKey.set(k, [...(byKey.get(k) ?? []), s]);
          else stale.push(s);
        }
        for (const [k, chunks] of desired) {
          const olds = byKey.get(k) ?? [];
          for (const [i, chunk] of chunks.entries()) {
            const old = olds[i];
            const next = sliceFor(service, chunk, old);
            if (!old) await client.create(next, { namespace }).catch(ignore([403]));
            else if (!unchanged(old, next)) await client.update(next, { namespace });
          }
          stale.push(...olds.slice(chunks.length));
        }
        for (const s of stale)
          await client.delete(s.metadata?.name ?? "", { namespace }).catch(ignore([404]));
      },
    });
  },
};
