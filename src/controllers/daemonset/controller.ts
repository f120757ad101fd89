// The DaemonSet controller: one daemon pod on every node the pod template fits (nodeSelector,
// node affinity, taints against tolerations plus the daemon defaults), bound by node affinity on
// metadata.name so the scheduler places it; follows nodes joining, changing and leaving; rolls
// updates out (RollingUpdate with maxUnavailable/maxSurge, or OnDelete) with ControllerRevisions
// as history; reports the status counts (Kubernetes' syncDaemonSet).
import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { NotFoundError } from "../../api/errors.ts";
import { namespaceIndex, objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { claimObjects, getControllerOf } from "../util/controllerref.ts";
import { ControllerExpectations, slowStartBatch } from "../util/expectations.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { podsResource } from "../util/resources.ts";
import { selectorOf } from "../util/selector.ts";
import { placement } from "./eligibility.ts";
import { daemonPodTemplate, newDaemonPod, revisionHashLabel, targetNode } from "./pods.ts";
import {
  cleanupHistory,
  constructHistory,
  controllerRevisionsResource,
  HashCollisionError,
} from "./revisions.ts";
import { calculateStatus, type NodeState, statusChanged } from "./status.ts";
import { type NodePods, planRollingUpdate } from "./update.ts";

export const daemonSetsResource = {
  group: "apps",
  version: "v1",
  resource: "daemonsets",
  namespaced: true,
  kind: "DaemonSet",
};
export const nodesResource = { group: "", version: "v1", resource: "nodes", namespaced: false, kind: "Node" };

const burst = 250;
type Identity = DaemonSet & { apiVersion: string; kind: string };

const byAge = (a: Pod, b: Pod): number =>
  (a.metadata?.creationTimestamp ?? "").localeCompare(b.metadata?.creationTimestamp ?? "") ||
  (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");

export class DaemonSetController {
  private readonly sets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly setClient: ResourceClient<DaemonSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly revisionClient: ResourceClient<ControllerRevision>;
  readonly expectations = new ControllerExpectations();
  private queue: WorkQueue<string> | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.sets = ctx.informers.informerFor<DaemonSet>(daemonSetsResource);
    this.pods = ctx.informers.informerFor<Pod>(podsResource);
    this.nodes = ctx.informers.informerFor<Node>(nodesResource);
    this.revisions = ctx.informers.informerFor<ControllerRevision>(controllerRevisionsResource);
    this.setClient = ctx.client.resource<DaemonSet>(daemonSetsResource);
    this.podClient = ctx.client.resource<Pod>(podsResource);
    this.revisionClient = ctx.client.resource<ControllerRevision>(controllerRevisionsResource);
  }

  start(): StopController {
    const all = (): void => {
      for (const ds of this.sets.indexer.list()) this.queue?.add(objectKey(ds));
    };
    return startQueueController({
      ctx: this.ctx,
      name: "daemonset-controller",
      informers: [this.sets, this.pods, this.nodes, this.revisions],
      register: (queue) => {
        this.queue = queue;
        return [
          this.sets.addEventHandler({
            onAdd: (d) => queue.add(objectKey(d)),
            onUpdate: (_, d) => queue.add(objectKey(d)),
            onDelete: (d) => {
              this.expectations.delete(objectKey(d));
              queue.add(objectKey(d));
            },
          }),
          this.pods.addEventHandler({
            onAdd: (p) => this.podChanged(undefined, p),
            onUpdate: (old, p) => this.podChanged(old, p),
            onDelete: (p) => this.podGone(p),
          }),
          // Any node change may change where daemon pods belong; clusters have few DaemonSets.
          this.nodes.addEventHandler({
            onAdd: all,
            onUpdate: (old, n) => {
              if (nodeChanged(old, n)) all();
            },
            onDelete: all,
          }),
        ];
      },
      sync: (key) => this.sync(key),
    });
  }

  private ownerKey(pod: Pod): string | undefined {
    const ref = getControllerOf(pod);
    if (ref?.kind !== "DaemonSet") return undefined;
    const key = `${pod.metadata?.namespace ?? ""}/${ref.name}`;
    return this.sets.indexer.get(key)?.metadata?.uid === ref.uid ? key : undefined;
  }

  private podChanged(old: Pod | undefined, pod: Pod): void {
    if (old && old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const key = this.ownerKey(pod);
    if (key) {
      if (!old) this.expectations.creationObserved(key);
      this.queue?.add(key);
      const minReady = this.sets.indexer.get(key)?.spec?.minReadySeconds ?? 0;
      if (minReady > 0) this.queue?.addAfter(key, minReady * 1000 + 100);
      return;
    }
    if (getControllerOf(pod)) return;
    for (const ds of this.sets.indexer.byIndex(namespaceIndex, pod.metadata?.namespace ?? "")) {
      if (selectorOf(ds.spec?.selector).matches(pod.metadata?.labels)) this.queue?.add(objectKey(ds));
    }
  }

  private podGone(pod: Pod): void {
    const key = this.ownerKey(pod);
    if (key) this.queue?.add(key);
  }

  async sync(key: string): Promise<void> {
    const cached = this.sets.indexer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const ds: DaemonSet = structuredClone(cached);
    if (ds.metadata?.deletionTimestamp !== undefined) return;
    const { namespace } = splitKey(key);
    const identity: Identity = { ...ds, apiVersion: "apps/v1", kind: "DaemonSet" };
    const selector = selectorOf(ds.spec?.selector);
    const canAdopt = async (): Promise<boolean> => {
      const fresh = await this.setClient.get(ds.metadata?.name ?? "", { namespace });
      return fresh.metadata?.uid === ds.metadata?.uid && fresh.metadata?.deletionTimestamp === undefined;
    };
    const owned = await claimObjects<ControllerRevision>({
      owner: identity,
      client: this.revisionClient,
      candidates: this.revisions.indexer.byIndex(namespaceIndex, namespace),
      matches: (r) => selector.matches(r.metadata?.labels),
      canAdopt,
    });
    let history: Awaited<ReturnType<typeof constructHistory>>;
    try {
      history = await constructHistory(this.revisionClient, ds, owned);
    } catch (err) {
      if (!(err instanceof HashCollisionError)) throw err;
      const status = { ...(ds.status ?? {}), collisionCount: (ds.status?.collisionCount ?? 0) + 1 };
      await this.setClient.updateStatus({ ...ds, status } as DaemonSet, { namespace });
      throw err;
    }
    const pods = await claimObjects<Pod>({
      owner: identity,
      client: this.podClient,
      candidates: this.pods.indexer.byIndex(namespaceIndex, namespace),
      matches: (p) => selector.matches(p.metadata?.labels),
      canAdopt,
    });
    const now = this.ctx.now();
    const byNode = new Map<string, Pod[]>();
    const orphaned: Pod[] = [];
    for (const p of pods) {
      if (p.metadata?.deletionTimestamp !== undefined) continue;
      const node = targetNode(p);
      if (node === undefined) continue;
      if (!this.nodes.indexer.get(node)) orphaned.push(p);
      else byNode.set(node, [...(byNode.get(node) ?? []), p]);
    }
    const template = daemonPodTemplate(ds);
    const states: NodeState[] = [];
    const creates: string[] = [];
    const deletes: Pod[] = [];
    const staying: NodePods[] = [];
    const surge = ds.spec?.updateStrategy?.type !== "OnDelete" && isSurge(ds);
    for (const node of this.nodes.indexer.list()) {
      const name = node.metadata?.name ?? "";
      const all = (byNode.get(name) ?? []).sort(byAge);
      const finished = all.filter((p) => p.status?.phase === "Failed" || p.status?.phase === "Succeeded");
      const live = all.filter((p) => !finished.includes(p));
      // A daemon pod that exited is replaced (Kubernetes also backs off repeated failures).
      deletes.push(...finished);
      const place = placement(template, node);
      states.push({ shouldRun: place.shouldRun, pods: live });
      if (!place.shouldContinueRunning) {
        deletes.push(...live);
        continue;
      }
      if (live.length === 0) {
        if (place.shouldRun) creates.push(name);
        continue;
      }
      deletes.push(...duplicates(live, history.hash, surge));
      staying.push({ node: name, pods: live });
    }
    if (this.expectations.satisfied(key)) {
      if (ds.spec?.updateStrategy?.type !== "OnDelete") {
        const desired = states.filter((s) => s.shouldRun).length;
        const plan = planRollingUpdate(ds, history.hash, staying, desired, now);
        deletes.push(...plan.deletes);
        creates.push(...plan.surgeNodes);
      }
      await this.manage(key, identity, history.hash, creates, [...new Set(deletes)], orphaned);
    }
    const inUse = new Set(pods.map((p) => p.metadata?.labels?.[revisionHashLabel] ?? ""));
    await cleanupHistory(this.revisionClient, ds, history.old, inUse);
    const status = calculateStatus(ds, history.hash, states, now);
    if (statusChanged(ds.status, status)) {
      await this.setClient.updateStatus({ ...ds, status }, { namespace });
    }
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable)
      this.queue?.addAfter(key, minReady * 1000);
  }

  private async manage(
    key: string,
    ds: Identity,
    hash: string,
    nodes: string[],
    deletes: Pod[],
    orphaned: Pod[],
  ): Promise<void> {
    const { recorder } = this.ctx;
    const victims = [...deletes, ...orphaned].slice(0, burst);
    const orphanSet = new Set(orphaned);
    // Only creations are awaited: a deletion the cache has not seen yet still shows the pod, so it
    // cannot cause a duplicate create (and deleting twice is answered NotFound).
    const creates = nodes.slice(0, burst);
    this.expectations.expectCreations(key, creates.length);
    const total = creates.length;
    const errors: unknown[] = [];
    const result = await slowStartBatch(creates.length, 1, async () => {
      const node = creates.shift() ?? "";
      const created = await this.podClient.create(newDaemonPod(ds, node, hash));
      recorder.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name ?? ""}`);
    });
    const skipped = total - result.successes;
    if (skipped > 0) this.expectations.lowerCreations(key, skipped);
    if (result.error !== undefined) {
      const message = result.error instanceof Error ? result.error.message : String(result.error);
      recorder.event(ds, "Warning", "FailedCreate", `Error creating: ${message}`);
      errors.push(result.error);
    }
    await Promise.all(
      victims.map(async (p) => {
        try {
          // A pod whose node is gone has no kubelet to finish it (Kubernetes' pod GC forces these).
          await this.podClient.delete(p.metadata?.name ?? "", {
            namespace: p.metadata?.namespace ?? "",
            ...(orphanSet.has(p) ? { gracePeriodSeconds: 0 } : {}),
          });
          recorder.event(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata?.name ?? ""}`);
        } catch (err) {
          if (!(err instanceof NotFoundError)) errors.push(err);
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }
}

function isSurge(ds: DaemonSet): boolean {
  const s = ds.spec?.updateStrategy?.rollingUpdate?.maxSurge;
  return s !== undefined && s !== 0 && s !== "0" && s !== "0%";
}

/** Extra pods on one node: keep the oldest (with surge, the oldest of each revision class). */
function duplicates(live: Pod[], hash: string, surge: boolean): Pod[] {
  if (live.length <= 1) return [];
  if (!surge) return live.slice(1);
  const fresh = live.filter((p) => p.metadata?.labels?.[revisionHashLabel] === hash);
  const old = live.filter((p) => p.metadata?.labels?.[revisionHashLabel] !== hash);
  return [...fresh.slice(1), ...old.slice(1)];
}

/** Labels, taints, unschedulable or readiness changed (what placement depends on). */
function nodeChanged(a: Node, b: Node): boolean {
  const view = (n: Node) =>
    JSON.stringify([n.metadata?.labels ?? {}, n.spec?.taints ?? [], n.spec?.unschedulable ?? false]);
  return view(a) !== view(b);
}

export const daemonSetController: ControllerDescriptor = {
  name: "daemonset-controller",
  start: (ctx) => new DaemonSetController(ctx).start(),
};
