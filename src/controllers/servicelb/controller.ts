// The service load-balancer controller (k3s's servicelb without its pods): a Service of type
// LoadBalancer whose loadBalancerClass is unset or ours gets status.loadBalancer.ingress = the
// nodes' addresses, so `kubectl get svc` shows an EXTERNAL-IP; the service proxy on every node
// already sends traffic for those addresses and the Service port to the endpoints. A Service that
// stops being a LoadBalancer has its status cleared.
import type { Node, Service } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { desiredIngress, nodeAddresses, sameIngress } from "./addresses.ts";

export const skiffLoadBalancerClass = "skiff.dev/svclb";

const servicesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "services",
  namespaced: true,
  kind: "Service",
};
const nodesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "nodes",
  namespaced: false,
  kind: "Node",
};

function key(s: Service): string {
  return `${s.metadata?.namespace ?? ""}/${s.metadata?.name ?? ""}`;
}

/** Whether this controller provides the Service's load balancer. */
export function isOurs(s: Service): boolean {
  const cls = s.spec?.loadBalancerClass;
  return s.spec?.type === "LoadBalancer" && (cls === undefined || cls === skiffLoadBalancerClass);
}

export const serviceLoadBalancerController: ControllerDescriptor = {
  name: "service-lb-controller",
  start(ctx) {
    const services = ctx.informers.informerFor<Service>(servicesResource);
    const nodes = ctx.informers.informerFor<Node>(nodesResource);
    const client = ctx.client.resource<Service>(servicesResource);
    return startQueueController({
      ctx,
      name: "service-lb-controller",
      informers: [services, nodes],
      register: (queue) => {
        const enqueue = (s: Service): void => {
          if (isOurs(s) || (s.status?.loadBalancer?.ingress?.length ?? 0) > 0) queue.add(key(s));
        };
        // A node's addresses change every LoadBalancer Service's status.
        const all = (): void => {
          for (const s of services.indexer.list()) if (isOurs(s)) queue.add(key(s));
        };
        return [
          services.addEventHandler({ onAdd: enqueue, onUpdate: (_, s) => enqueue(s) }),
          nodes.addEventHandler({
            onAdd: all,
            onUpdate: (a, b) => sameAddresses(a, b) || all(),
            onDelete: all,
          }),
        ];
      },
      sync: async (k) => {
        const svc = services.indexer.get(k);
        if (!svc || svc.metadata?.deletionTimestamp) return;
        const current = svc.status?.loadBalancer?.ingress;
        let want: ReturnType<typeof desiredIngress>;
        if (isOurs(svc)) want = desiredIngress(nodeAddresses(nodes.indexer.list()));
        else if (svc.spec?.type !== "LoadBalancer") want = [];
        else return; // another implementation's class: not ours to touch
        if (sameIngress(current, want)) return;
        try {
          await client.updateStatus({
            ...svc,
            status: { ...svc.status, loadBalancer: want.length > 0 ? { ingress: want } : {} },
          });
        } catch (err) {
          // Gone meanwhile: nothing to do; a conflict requeues through the error path.
          if (err instanceof ApiError && err.code === 404) return;
          throw err;
        }
      },
    });
  },
};

function sameAddresses(a: Node, b: Node): boolean {
  return JSON.stringify(a.status?.addresses ?? []) === JSON.stringify(b.status?.addresses ?? []);
}
