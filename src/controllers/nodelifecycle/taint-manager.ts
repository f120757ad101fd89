// The taint eviction controller (Kubernetes' NoExecute taint manager): a pod on a node with a
// NoExecute taint it does not tolerate is deleted at once; one it tolerates for
// tolerationSeconds is deleted when that time has passed since the taint was added.
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import { objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { podsResource } from "../util/resources.ts";
import { nodeNameIndex, nodesResource, podsByNode, timestamp } from "./resources.ts";
import { evictionPlan } from "./taints.ts";

function noExecuteTaints(node: Node | undefined): string {
  return JSON.stringify((node?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute"));
}

export const taintEvictionController: ControllerDescriptor = {
  name: "taint-eviction-controller",
  start(ctx) {
    const nodes = ctx.informers.informerFor<Node>(nodesResource);
    const pods = ctx.informers.informerFor<Pod>(podsResource, {}, podsByNode);
    const podClient = ctx.client.resource<Pod>(podsResource);
    let workqueue: WorkQueue<string> | undefined;
    return startQueueController({
      ctx,
      name: "taint-eviction-controller",
      informers: [nodes, pods],
      register: (queue) => {
        workqueue = queue;
        const enqueueNode = (node: Node): void => {
          for (const p of pods.indexer.byIndex(nodeNameIndex, node.metadata?.name ?? ""))
            queue.add(objectKey(p));
        };
        const enqueuePod = (p: Pod): void => {
          if (p.spec?.nodeName && p.metadata?.deletionTimestamp === undefined) queue.add(objectKey(p));
        };
        return [
          nodes.addEventHandler({
            onAdd: enqueueNode,
            onUpdate: (old, node) => {
              if (noExecuteTaints(old) !== noExecuteTaints(node)) enqueueNode(node);
            },
          }),
          pods.addEventHandler({
            onAdd: enqueuePod,
            onUpdate: (old, p) => {
              if (old.spec?.nodeName !== p.spec?.nodeName) enqueuePod(p);
            },
          }),
        ];
      },
      sync: async (key) => {
        const pod = pods.indexer.get(key);
        if (!pod?.spec?.nodeName || pod.metadata?.deletionTimestamp !== undefined) return;
        const phase = pod.status?.phase;
        if (phase === "Succeeded" || phase === "Failed") return;
        const node = nodes.indexer.get(pod.spec.nodeName);
        if (!node) return;
        const now = ctx.now();
        const plan = evictionPlan(node.spec?.taints ?? [], pod.spec.tolerations ?? [], now.getTime());
        if (plan.kind === "never") return;
        if (plan.kind === "at") {
          // Re-checked then: the taint may be gone by that time.
          workqueue?.addAfter(key, plan.time - now.getTime() + 50);
          return;
        }
        const { namespace, name } = splitKey(key);
        ctx.recorder.event(
          { ...pod, apiVersion: "v1", kind: "Pod" },
          "Normal",
          "TaintManagerEviction",
          `Marking for deletion Pod ${key}`,
        );
        try {
          await addDisruptionTarget(podClient, pod, timestamp(now));
          await podClient.delete(name, {
            namespace,
            ...(pod.metadata?.uid ? { preconditions: { uid: pod.metadata.uid } } : {}),
          });
        } catch (err) {
          if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
        }
      },
    });
  },
};

/** The DisruptionTarget condition Kubernetes sets before a taint eviction (best effort). */
async function addDisruptionTarget(client: ResourceClient<Pod>, pod: Pod, now: string): Promise<void> {
  const conditions = [
    ...(pod.status?.conditions ?? []).filter((c) => c.type !== "DisruptionTarget"),
    {
      type: "DisruptionTarget",
      status: "True",
      reason: "DeletionByTaintManager",
      message: "Taint manager: deleting due to NoExecute taint",
      lastTransitionTime: now,
    },
  ];
  await client.updateStatus({ ...pod, status: { ...pod.status, conditions } });
}
