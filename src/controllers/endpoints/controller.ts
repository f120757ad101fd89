// The Endpoints controller (Kubernetes' endpoint-controller): for each service with a selector
// an Endpoints object of the same name listing the selected pods' addresses and ports; removed
// with the service, recreated if deleted.
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import { namespaceIndex } from "../../client/informer/indexer.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { managesEndpoints, selects } from "./pods.ts";
import { podsResource, registerServicePodHandlers, sameJson, servicesResource } from "./servicequeue.ts";
import { computeSubsets } from "./subsets.ts";

export const endpointsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "endpoints",
  namespaced: true,
  kind: "Endpoints",
};

export const headlessLabel = "service.kubernetes.io/headless";

/** The Endpoints' labels: the service's, plus the headless marker. */
export function endpointsLabels(service: Service): Record<string, string> {
  return {
    ...(service.metadata?.labels ?? {}),
    ...(service.spec?.clusterIP === "None" ? { [headlessLabel]: "" } : {}),
  };
}

const ignore = (codes: number[]) => (err: unknown) => {
  if (!(err instanceof ApiError && codes.includes(err.code))) throw err;
};

export const endpointsController: ControllerDescriptor = {
  name: "endpoint-controller",
  start(ctx) {
    const services = ctx.informers.informerFor<Service>(servicesResource);
    const pods = ctx.informers.informerFor<Pod>(podsResource);
    const endpoints = ctx.informers.informerFor<Endpoints>(endpointsResource);
    const client = ctx.client.resource<Endpoints>(endpointsResource);
    const queue = new WorkQueue<string>();
    return startQueueController({
      ctx,
      name: "endpoint-controller",
      queue,
      informers: [services, pods, endpoints],
      register: () => [
        ...registerServicePodHandlers(services, pods, queue),
        // Someone deleted the Endpoints of a service we manage: write them again.
        endpoints.addEventHandler({
          onDelete: (ep) => queue.add(`${ep.metadata?.namespace}/${ep.metadata?.name}`),
        }),
      ],
      sync: async (key) => {
        const [namespace = "", name = ""] = key.split("/");
        const service = services.indexer.get(key);
        const existing = endpoints.indexer.get(key);
        if (!service) {
          if (existing) await client.delete(name, { namespace }).catch(ignore([404]));
          return;
        }
        if (!managesEndpoints(service)) return;
        const selected = pods.indexer.byIndex(namespaceIndex, namespace).filter((p) => selects(service, p));
        const subsets = computeSubsets(service, selected);
        const labels = endpointsLabels(service);
        if (existing) {
          if (sameJson(existing.subsets ?? [], subsets) && sameJson(existing.metadata?.labels ?? {}, labels))
            return;
          const { subsets: _old, ...rest } = existing;
          await client.update({
            ...rest,
            metadata: { ...existing.metadata, labels },
            ...(subsets.length ? { subsets } : {}),
          });
          return;
        }
        await client
          .create({ metadata: { name, namespace, labels }, ...(subsets.length ? { subsets } : {}) })
          // Terminating namespace (403) or a create racing ours (409, the informer brings it).
          .catch(ignore([403, 409]));
      },
    });
  },
};
