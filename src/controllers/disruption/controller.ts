// The disruption controller: keeps each PodDisruptionBudget's status (expected and healthy pods,
// disruptions allowed, the DisruptionAllowed condition) from the pods it selects and, for
// percentages and maxUnavailable, the replicas of the controllers owning them; it also drops
// eviction records (disruptedPods) once the pod is deleted or the record expired.
import type { Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod, ReplicationController } from "kubernetes-types/core/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import { ApiError } from "../../api/errors.ts";
import { namespaceIndex, objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { getControllerOf } from "../util/controllerref.ts";
import { startQueueController } from "../util/queue-controller.ts";
import {
  deploymentsResource,
  podsResource,
  replicaSetsResource,
  replicationControllersResource,
} from "../util/resources.ts";
import { selectorOf } from "../util/selector.ts";
import { computeStatus, needsScale, nextExpiry } from "./budget.ts";

export const podDisruptionBudgetsResource: ResourceCoords = {
  group: "policy",
  version: "v1",
  resource: "poddisruptionbudgets",
  namespaced: true,
  kind: "PodDisruptionBudget",
};
export const statefulSetsResource: ResourceCoords = {
  group: "apps",
  version: "v1",
  resource: "statefulsets",
  namespaced: true,
  kind: "StatefulSet",
};

interface Owners {
  replicaSets: Informer<ReplicaSet>;
  deployments: Informer<Deployment>;
  controllers: Informer<ReplicationController>;
  statefulSets: Informer<StatefulSet>;
}

/** Sum of the replicas of the controllers (counted once each) owning `pods`; undefined if one has none. */
function expectedScale(pods: readonly Pod[], o: Owners): number | undefined {
  const seen = new Map<string, number>();
  for (const pod of pods) {
    const ns = pod.metadata?.namespace ?? "";
    const ref = getControllerOf(pod);
    if (!ref) return undefined;
    let key = "";
    let replicas: number | undefined;
    if (ref.kind === "ReplicaSet") {
      const rs = o.replicaSets.indexer.get(`${ns}/${ref.name}`);
      const dref = rs ? getControllerOf(rs) : undefined;
      const d = dref?.kind === "Deployment" ? o.deployments.indexer.get(`${ns}/${dref.name}`) : undefined;
      if (d) {
        key = `Deployment/${d.metadata?.uid ?? ""}`;
        replicas = d.spec?.replicas ?? 1;
      } else if (rs) {
        key = `ReplicaSet/${rs.metadata?.uid ?? ""}`;
        replicas = rs.spec?.replicas ?? 1;
      }
    } else if (ref.kind === "ReplicationController") {
      const rc = o.controllers.indexer.get(`${ns}/${ref.name}`);
      if (rc) [key, replicas] = [`RC/${rc.metadata?.uid ?? ""}`, rc.spec?.replicas ?? 1];
    } else if (ref.kind === "StatefulSet") {
      const ss = o.statefulSets.indexer.get(`${ns}/${ref.name}`);
      if (ss) [key, replicas] = [`STS/${ss.metadata?.uid ?? ""}`, ss.spec?.replicas ?? 1];
    }
    if (replicas === undefined) return undefined;
    seen.set(key, replicas);
  }
  let sum = 0;
  for (const r of seen.values()) sum += r;
  return sum;
}

type ScaleOwner = { metadata?: { namespace?: string }; spec?: { replicas?: number } };

function sameStatus(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const disruptionController: ControllerDescriptor = {
  name: "disruption-controller",
  start(ctx) {
    const budgets = ctx.informers.informerFor<PodDisruptionBudget>(podDisruptionBudgetsResource);
    const pods = ctx.informers.informerFor<Pod>(podsResource);
    const owners: Owners = {
      replicaSets: ctx.informers.informerFor<ReplicaSet>(replicaSetsResource),
      deployments: ctx.informers.informerFor<Deployment>(deploymentsResource),
      controllers: ctx.informers.informerFor<ReplicationController>(replicationControllersResource),
      statefulSets: ctx.informers.informerFor<StatefulSet>(statefulSetsResource),
    };
    const client = ctx.client.resource<PodDisruptionBudget>(podDisruptionBudgetsResource);
    let workqueue: WorkQueue<string> | undefined;
    return startQueueController({
      ctx,
      name: "disruption-controller",
      informers: [budgets, pods, ...Object.values(owners)],
      register: (queue) => {
        workqueue = queue;
        const enqueueBudget = (b: PodDisruptionBudget): void => queue.add(objectKey(b));
        const enqueueForPod = (pod: Pod): void => {
          for (const b of budgets.indexer.byIndex(namespaceIndex, pod.metadata?.namespace ?? "")) {
            if (selectorOf(b.spec?.selector).matches(pod.metadata?.labels)) queue.add(objectKey(b));
          }
        };
        // A scale change moves expected pods of budgets in that namespace.
        const enqueueNamespace = (o: { metadata?: { namespace?: string } }): void => {
          for (const b of budgets.indexer.byIndex(namespaceIndex, o.metadata?.namespace ?? ""))
            queue.add(objectKey(b));
        };
        const scaleHandler = {
          onAdd: enqueueNamespace,
          onUpdate: (old: ScaleOwner, o: ScaleOwner) => {
            if (old.spec?.replicas !== o.spec?.replicas) enqueueNamespace(o);
          },
          onDelete: enqueueNamespace,
        };
        return [
          budgets.addEventHandler({ onAdd: enqueueBudget, onUpdate: (_, b) => enqueueBudget(b) }),
          pods.addEventHandler({
            onAdd: enqueueForPod,
            onUpdate: (old, p) => {
              enqueueForPod(p);
              if (JSON.stringify(old.metadata?.labels) !== JSON.stringify(p.metadata?.labels))
                enqueueForPod(old);
            },
            onDelete: enqueueForPod,
          }),
          owners.replicaSets.addEventHandler(scaleHandler),
          owners.deployments.addEventHandler(scaleHandler),
          owners.controllers.addEventHandler(scaleHandler),
          owners.statefulSets.addEventHandler(scaleHandler),
        ];
      },
      sync: async (key) => {
        const pdb = budgets.indexer.get(key);
        if (!pdb || pdb.metadata?.deletionTimestamp !== undefined) return;
        const { namespace } = splitKey(key);
        const selector = selectorOf(pdb.spec?.selector);
        const selected = pods.indexer
          .byIndex(namespaceIndex, namespace)
          .filter((p) => selector.matches(p.metadata?.labels));
        const scale = expectedScale(selected, owners);
        const status = computeStatus({ pdb, pods: selected, scale, now: ctx.now() });
        if (needsScale(pdb) && scale === undefined && pdb.status?.conditions?.[0]?.reason !== "SyncFailed") {
          ctx.recorder.event(
            { ...pdb, apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
            "Warning",
            "NoControllers",
            "found no controllers for some pods",
          );
        }
        const { conditions: _c, ...rest } = status;
        const { conditions: _o, ...oldRest } = pdb.status ?? {};
        const conditionSame =
          pdb.status?.conditions?.find((c) => c.type === "DisruptionAllowed")?.status ===
          status.conditions?.[0]?.status;
        if (!(sameStatus(rest, oldRest) && conditionSame)) {
          try {
            await client.updateStatus({ ...pdb, status }, { namespace });
          } catch (err) {
            // The eviction API changed the budget meanwhile: the update event brings it back here.
            if (!(err instanceof ApiError && err.code === 409)) throw err;
          }
        }
        const expiry = nextExpiry(status);
        if (expiry !== undefined) workqueue?.addAfter(key, Math.max(0, expiry - ctx.now().getTime()) + 100);
      },
    });
  },
};
