// The namespace controller: queues terminating namespaces from the shared namespace informer
// (those already terminating at start too: level-triggered), empties them one pass at a time and
// looks again later while content remains. Failed passes retry with the workqueue's backoff.
import type { Namespace } from "kubernetes-types/core/v1.js";
import { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import type { NamespaceDeletionClient } from "./client.ts";
import { deleteNamespaceContent } from "./deleter.ts";
import { namespacesResource, restNamespaceClient } from "./restclient.ts";

export interface NamespaceControllerOptions {
  /** Default: the REST client of the controller context. */
  client?: NamespaceDeletionClient;
}

export function namespaceControllerDescriptor(
  options: NamespaceControllerOptions = {},
): ControllerDescriptor {
  return {
    name: "namespace-controller",
    start(ctx) {
      const client = options.client ?? restNamespaceClient(ctx.client);
      const informer = ctx.informers.informerFor<Namespace>(namespacesResource);
      const terminating = (ns: Namespace): string | undefined =>
        ns.metadata?.deletionTimestamp && ns.metadata.name ? ns.metadata.name : undefined;
      const queue = new WorkQueue<string>();
      return startQueueController({
        ctx,
        name: "namespace-controller",
        queue,
        informers: [informer],
        register: () => {
          const enqueue = (ns: Namespace): void => {
            const name = terminating(ns);
            if (name) queue.add(name);
          };
          return [informer.addEventHandler({ onAdd: enqueue, onUpdate: (_, ns) => enqueue(ns) })];
        },
        sync: async (name) => {
          const outcome = await deleteNamespaceContent(client, name, ctx.now);
          if (!outcome.done) queue.addAfter(name, outcome.retryAfterSeconds * 1000);
        },
      });
    },
  };
}

export const namespaceController = namespaceControllerDescriptor();
