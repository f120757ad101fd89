// The ServiceAccount controller (Kubernetes' serviceaccounts-controller): every active namespace
// has a `default` ServiceAccount, created when the namespace appears and again if it is deleted.
import type { Namespace, ServiceAccount } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";

export const serviceAccountsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "serviceaccounts",
  namespaced: true,
  kind: "ServiceAccount",
};
const namespacesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "namespaces",
  namespaced: false,
  kind: "Namespace",
};

export interface ServiceAccountsControllerOptions {
  /** Accounts every namespace gets (default ["default"]). */
  accounts?: readonly string[];
}

export function serviceAccountsControllerDescriptor(
  options: ServiceAccountsControllerOptions = {},
): ControllerDescriptor {
  const accounts = options.accounts ?? ["default"];
  return {
    name: "serviceaccount-controller",
    start(ctx) {
      const namespaces = ctx.informers.informerFor<Namespace>(namespacesResource);
      const serviceAccounts = ctx.informers.informerFor<ServiceAccount>(serviceAccountsResource);
      const client = ctx.client.resource<ServiceAccount>(serviceAccountsResource);
      return startQueueController({
        ctx,
        name: "serviceaccount-controller",
        informers: [namespaces, serviceAccounts],
        register: (queue) => {
          const enqueueNamespace = (ns: Namespace): void => {
            if (ns.metadata?.name) queue.add(ns.metadata.name);
          };
          return [
            namespaces.addEventHandler({
              onAdd: enqueueNamespace,
              onUpdate: (_, ns) => enqueueNamespace(ns),
            }),
            serviceAccounts.addEventHandler({
              onDelete: (sa) => {
                if (sa.metadata?.namespace && accounts.includes(sa.metadata.name ?? ""))
                  queue.add(sa.metadata.namespace);
              },
            }),
          ];
        },
        sync: async (namespace) => {
          const ns = namespaces.indexer.get(namespace);
          if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === "Terminating") return;
          for (const name of accounts) {
            if (serviceAccounts.indexer.get(`${namespace}/${name}`)) continue;
            try {
              await client.create({ metadata: { name, namespace } });
            } catch (err) {
              // Already there (cache behind), or the namespace began terminating: nothing to do.
              if (err instanceof ApiError && (err.code === 409 || err.code === 403)) continue;
              throw err;
            }
          }
        },
      });
    },
  };
}

export const serviceAccountsController = serviceAccountsControllerDescriptor();
