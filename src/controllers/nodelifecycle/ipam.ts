// The node IPAM controller (range allocator): a node without spec.podCIDR gets the first free
// subnet (default /24) of --cluster-cidr; subnets already held by nodes are never handed out twice.
import type { Node } from "kubernetes-types/core/v1.js";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { formatIpv4Cidr, nthSubnet, parseIpv4Cidr, subnetCount, subnetIndex } from "./cidr.ts";
import { nodesResource } from "./resources.ts";

export interface NodeIpamOptions {
  /** --cluster-cidr (default 10.42.0.0/16). */
  clusterCidr?: string;
  /** --node-cidr-mask-size (default 24). */
  nodeMaskSize?: number;
}

export function nodeIpamControllerDescriptor(options: NodeIpamOptions = {}): ControllerDescriptor {
  const range = parseIpv4Cidr(options.clusterCidr ?? "10.42.0.0/16");
  const mask = options.nodeMaskSize ?? 24;
  return {
    name: "node-ipam-controller",
    start(ctx) {
      const nodes = ctx.informers.informerFor<Node>(nodesResource);
      const client = ctx.client.resource<Node>(nodesResource);
      // Subnets handed out by this process that the cache may not show yet.
      const pending = new Map<number, string>();
      return startQueueController({
        ctx,
        name: "node-ipam-controller",
        informers: [nodes],
        // One worker: allocation reads and extends the set of used subnets.
        workers: 1,
        register: (queue) => [
          nodes.addEventHandler({
            onAdd: (n) => queue.add(n.metadata?.name ?? ""),
            onUpdate: (_, n) => queue.add(n.metadata?.name ?? ""),
          }),
        ],
        sync: async (name) => {
          const node = nodes.indexer.get(name);
          if (!node || node.spec?.podCIDR) return;
          const used = new Set<number>();
          for (const n of nodes.indexer.list()) {
            for (const c of [n.spec?.podCIDR, ...(n.spec?.podCIDRs ?? [])]) {
              if (c) used.add(subnetIndex(range, mask, c));
            }
          }
          for (const [i, holder] of pending) if (holder !== name && nodes.indexer.get(holder)) used.add(i);
          const total = subnetCount(range, mask);
          let index = -1;
          for (let i = 0; i < total; i++) {
            if (!used.has(i)) {
              index = i;
              break;
            }
          }
          if (index < 0) {
            ctx.recorder.event(
              { ...node, apiVersion: "v1", kind: "Node" },
              "Normal",
              "CIDRNotAvailable",
              `Node ${name} status is now: CIDRNotAvailable`,
            );
            return;
          }
          const cidr = formatIpv4Cidr(nthSubnet(range, mask, index));
          pending.set(index, name);
          await client.patch(
            name,
            {
              metadata: { resourceVersion: node.metadata?.resourceVersion },
              spec: { podCIDR: cidr, podCIDRs: [cidr] },
            },
            { type: "merge" },
          );
        },
      });
    },
  };
}

export const nodeIpamController = nodeIpamControllerDescriptor();
