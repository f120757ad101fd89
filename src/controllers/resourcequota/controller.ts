// The ResourceQuota controller: keeps each quota's status (hard copied from spec, used computed
// from what the namespace holds) for pods (counts, requests and limits) and, by listing, every
// other counted resource; recomputed on quota and pod changes and on a periodic full resync.
import type { Pod, ResourceQuota } from "kubernetes-types/core/v1.js";
import { addUsage, objectUsage, quotaTracks, type Usage } from "../../api/core/quota-usage.ts";
import { ApiError } from "../../api/errors.ts";
import { Quantity } from "../../api/quantity.ts";
import { namespaceIndex, objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { podsResource } from "../util/resources.ts";

export const resourceQuotasResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "resourcequotas",
  namespaced: true,
  kind: "ResourceQuota",
};

export interface ResourceQuotaControllerOptions {
  /** Full recount of every quota this often (default 30 s; Kubernetes: 5 min). */
  resyncPeriodMs?: number;
}

const legacy: Record<string, string> = {
  services: "services",
  "services.loadbalancers": "services",
  "services.nodeports": "services",
  configmaps: "configmaps",
  secrets: "secrets",
  persistentvolumeclaims: "persistentvolumeclaims",
  "requests.storage": "persistentvolumeclaims",
  replicationcontrollers: "replicationcontrollers",
  resourcequotas: "resourcequotas",
};

const podKeys = /^(pods|count\/pods|cpu|memory|(requests|limits)\.(cpu|memory|ephemeral-storage))$/;

/** Which resource (group, plural) a non-pod quota key counts, if any. */
export function resourceForKey(key: string): { group: string; resource: string } | undefined {
  if (podKeys.test(key)) return undefined;
  if (key in legacy) return { group: "", resource: legacy[key] ?? "" };
  if (key.includes(".storageclass.storage.k8s.io/")) return { group: "", resource: "persistentvolumeclaims" };
  const m = /^count\/([a-z0-9-]+)(?:\.(.+))?$/.exec(key);
  if (!m?.[1]) return undefined;
  return { group: m[2] ?? "", resource: m[1] };
}

export function resourceQuotaControllerDescriptor(
  options: ResourceQuotaControllerOptions = {},
): ControllerDescriptor {
  return {
    name: "resourcequota-controller",
    start(ctx) {
      const quotas = ctx.informers.informerFor<ResourceQuota>(resourceQuotasResource);
      const pods = ctx.informers.informerFor<Pod>(podsResource);
      const client = ctx.client.resource<ResourceQuota>(resourceQuotasResource);
      let enqueueAll = (): void => {};
      let workqueue: WorkQueue<string> | undefined;
      const stop = startQueueController({
        ctx,
        name: "resourcequota-controller",
        informers: [quotas, pods],
        register: (queue) => {
          workqueue = queue;
          const enqueueNamespace = (p: Pod): void => {
            for (const q of quotas.indexer.byIndex(namespaceIndex, p.metadata?.namespace ?? ""))
              queue.add(objectKey(q));
          };
          enqueueAll = () => {
            for (const q of quotas.indexer.list()) queue.add(objectKey(q));
          };
          return [
            quotas.addEventHandler({
              onAdd: (q) => queue.add(objectKey(q)),
              onUpdate: (_, q) => queue.add(objectKey(q)),
            }),
            pods.addEventHandler({
              onAdd: enqueueNamespace,
              onUpdate: (old, p) => {
                if (old.status?.phase !== p.status?.phase) enqueueNamespace(p);
              },
              onDelete: enqueueNamespace,
            }),
          ];
        },
        sync: async (key) => {
          const quota = quotas.indexer.get(key);
          if (!quota) return;
          const { namespace } = splitKey(key);
          const hard = (quota.spec?.hard ?? {}) as Record<string, string>;
          const total: Usage = new Map();
          for (const p of pods.indexer.byIndex(namespaceIndex, namespace)) {
            if (quotaTracks(quota, "", "pods", p)) addUsage(total, objectUsage("", "pods", p));
          }
          const listed = new Set<string>();
          for (const k of Object.keys(hard)) {
            const r = resourceForKey(k);
            if (!r || listed.has(`${r.group}/${r.resource}`)) continue;
            listed.add(`${r.group}/${r.resource}`);
            try {
              const list = await ctx.client
                .resource({ group: r.group, version: "v1", resource: r.resource, namespaced: true, kind: "" })
                .listAll({ namespace });
              for (const item of list.items) {
                if (quotaTracks(quota, r.group, r.resource, item))
                  addUsage(total, objectUsage(r.group, r.resource, item as { spec?: unknown }));
              }
            } catch (err) {
              // A resource this server does not serve counts nothing.
              if (!(err instanceof ApiError && err.code === 404)) throw err;
            }
          }
          const used: Record<string, string> = {};
          for (const k of Object.keys(hard)) used[k] = (total.get(k) ?? Quantity.fromInteger(0)).toString();
          const status = { hard: { ...hard }, used };
          if (JSON.stringify(status) === JSON.stringify(quota.status ?? {})) return;
          try {
            await client.updateStatus({ ...quota, status }, { namespace });
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 409)) throw err;
            // Admission raised `used` meanwhile: recount from the newer object.
            workqueue?.add(key);
          }
        },
      });
      const timer = setInterval(() => enqueueAll(), options.resyncPeriodMs ?? 30_000);
      return async () => {
        clearInterval(timer);
        await stop();
      };
    },
  };
}

export const resourceQuotaController = resourceQuotaControllerDescriptor();
