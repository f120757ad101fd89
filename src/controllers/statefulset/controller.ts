// The StatefulSet controller: pods with stable names created in ordinal order (OrderedReady: one
// at a time, each Running and Ready first; Parallel: all at once), their claims from
// volumeClaimTemplates, scale-down from the highest ordinal, rolling updates from the highest
// ordinal down to the partition (or OnDelete), ControllerRevisions as history, and status.
import type { ControllerRevision, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import { namespaceIndex, objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import { statefulSetsResource } from "../disruption/controller.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { claimObjects, getControllerOf } from "../util/controllerref.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { podsResource } from "../util/resources.ts";
import { selectorOf } from "../util/selector.ts";
import { claimsFor, newPod, ordinalOf, revisionOf } from "./pods.ts";
import { controllerRevisionsResource, persistentVolumeClaimsResource } from "./resources.ts";
import { newRevision, sameTemplate, setAtRevision } from "./revision.ts";
import { computeStatus, isRunningAndReady } from "./status.ts";

const isGone = (err: unknown): boolean => err instanceof ApiError && (err.code === 404 || err.code === 409);

class StatefulSetController {
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly setClient: ResourceClient<StatefulSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly revisionClient: ResourceClient<ControllerRevision>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private queue: WorkQueue<string> | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.sets = ctx.informers.informerFor<StatefulSet>(statefulSetsResource);
    this.pods = ctx.informers.informerFor<Pod>(podsResource);
    this.revisions = ctx.informers.informerFor<ControllerRevision>(controllerRevisionsResource);
    this.setClient = ctx.client.resource<StatefulSet>(statefulSetsResource);
    this.podClient = ctx.client.resource<Pod>(podsResource);
    this.revisionClient = ctx.client.resource<ControllerRevision>(controllerRevisionsResource);
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>(persistentVolumeClaimsResource);
  }

  start(): StopController {
    return startQueueController({
      ctx: this.ctx,
      name: "statefulset-controller",
      informers: [this.sets, this.pods, this.revisions],
      register: (queue) => {
        this.queue = queue;
        const enqueueOwner = (p: Pod): void => {
          const ref = getControllerOf(p);
          const ns = p.metadata?.namespace ?? "";
          if (ref?.kind === "StatefulSet") queue.add(`${ns}/${ref.name}`);
          else if (!ref) {
            for (const s of this.sets.indexer.byIndex(namespaceIndex, ns)) {
              if (ordinalOf(s, p) >= 0 && selectorOf(s.spec?.selector).matches(p.metadata?.labels))
                queue.add(objectKey(s));
            }
          }
        };
        return [
          this.sets.addEventHandler({
            onAdd: (s) => queue.add(objectKey(s)),
            onUpdate: (_, s) => queue.add(objectKey(s)),
          }),
          this.pods.addEventHandler({
            onAdd: enqueueOwner,
            onUpdate: (_, p) => enqueueOwner(p),
            onDelete: enqueueOwner,
          }),
        ];
      },
      sync: (key) => this.sync(key),
    });
  }

  private event(set: StatefulSet, type: "Normal" | "Warning", reason: string, message: string): void {
    this.ctx.recorder.event({ ...set, apiVersion: "apps/v1", kind: "StatefulSet" }, type, reason, message);
  }

  private async sync(key: string): Promise<void> {
    const set = this.sets.indexer.get(key);
    if (!set || set.metadata?.deletionTimestamp !== undefined) return;
    const { namespace, name } = splitKey(key);
    const selector = selectorOf(set.spec?.selector);
    const identity = { ...set, apiVersion: "apps/v1", kind: "StatefulSet" };
    const pods = await claimObjects<Pod>({
      owner: identity,
      client: this.podClient,
      candidates: this.pods.indexer.byIndex(namespaceIndex, namespace).filter((p) => ordinalOf(set, p) >= 0),
      matches: (p) => selector.matches(p.metadata?.labels),
      canAdopt: async () => {
        const fresh = await this.setClient.get(name, { namespace });
        return fresh.metadata?.uid === set.metadata?.uid && fresh.metadata?.deletionTimestamp === undefined;
      },
    });
    const revs = await this.ensureRevisions(set);
    await this.updatePods(set, pods, revs.current, revs.update);
    const status = computeStatus(
      set,
      pods,
      {
        current: revs.current.metadata?.name ?? "",
        update: revs.update.metadata?.name ?? "",
        collisionCount: revs.collisionCount,
      },
      this.ctx.now(),
    );
    if (JSON.stringify(status) !== JSON.stringify(set.status ?? {})) {
      try {
        await this.setClient.updateStatus({ ...set, status }, { namespace });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
        this.queue?.add(key);
      }
    }
    await this.truncateHistory(set, [revs.current, revs.update], status);
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.availableReplicas !== status.readyReplicas)
      this.queue?.addAfter(key, minReady * 1000 + 100);
  }

  private owned(set: StatefulSet): ControllerRevision[] {
    return this.revisions.indexer
      .byIndex(namespaceIndex, set.metadata?.namespace ?? "")
      .filter((r) => getControllerOf(r)?.uid === set.metadata?.uid)
      .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  }

  /** The current and update revisions, creating the update revision (or renumbering an old one) as needed. */
  private async ensureRevisions(
    set: StatefulSet,
  ): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    const revisions = this.owned(set);
    const namespace = set.metadata?.namespace ?? "";
    const max = revisions.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
    let collisionCount = set.status?.collisionCount ?? 0;
    let update = revisions.filter((r) => sameTemplate(r, set)).pop();
    if (update && (update.revision ?? 0) !== max) {
      // An undo (or a template back to an earlier one): that revision becomes the newest.
      update = await this.revisionClient.update({ ...update, revision: max + 1 }, { namespace });
    }
    while (!update) {
      const candidate = newRevision(set, max + 1, collisionCount);
      try {
        update = await this.revisionClient.create(candidate, { namespace });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
        const existing = await this.revisionClient.get(candidate.metadata?.name ?? "", { namespace });
        if (sameTemplate(existing, set) && getControllerOf(existing)?.uid === set.metadata?.uid)
          update = existing;
        else collisionCount++;
      }
    }
    const current = revisions.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  private async createClaims(set: StatefulSet, ordinal: number): Promise<void> {
    for (const claim of claimsFor(set, ordinal)) {
      const claimName = claim.metadata?.name ?? "";
      try {
        await this.claimClient.create(claim, { namespace: set.metadata?.namespace ?? "" });
        this.event(
          set,
          "Normal",
          "SuccessfulCreate",
          `create Claim ${claimName} Pod ${set.metadata?.name}-${ordinal} in StatefulSet ${set.metadata?.name} success`,
        );
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) continue;
        this.event(
          set,
          "Warning",
          "FailedCreate",
          `create Claim ${claimName} for Pod ${set.metadata?.name}-${ordinal} in StatefulSet ${set.metadata?.name} failed error: ${err instanceof Error ? err.message : String(err)}`,
        );
        throw err;
      }
    }
  }

  private async createPod(set: StatefulSet, pod: Pod, ordinal: number): Promise<void> {
    await this.createClaims(set, ordinal);
    try {
      await this.podClient.create(pod, { namespace: set.metadata?.namespace ?? "" });
      this.event(
        set,
        "Normal",
        "SuccessfulCreate",
        `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`,
      );
    } catch (err) {
      // The cache is behind our own create.
      if (err instanceof ApiError && err.code === 409) return;
      this.event(
        set,
        "Warning",
        "FailedCreate",
        `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${err instanceof Error ? err.message : String(err)}`,
      );
      throw err;
    }
  }

  private async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.podClient.delete(pod.metadata?.name ?? "", {
        namespace: pod.metadata?.namespace ?? "",
        ...(pod.metadata?.uid ? { preconditions: { uid: pod.metadata.uid } } : {}),
      });
      this.event(
        set,
        "Normal",
        "SuccessfulDelete",
        `delete Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`,
      );
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  /** whenScaled: Delete — the condemned pod's claims go with it (owned by the pod for the GC). */
  private async releaseClaims(set: StatefulSet, pod: Pod, ordinal: number): Promise<void> {
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== "Delete") return;
    for (const claim of claimsFor(set, ordinal)) {
      try {
        await this.claimClient.patch(
          claim.metadata?.name ?? "",
          {
            metadata: {
              ownerReferences: [
                {
                  apiVersion: "v1",
                  kind: "Pod",
                  name: pod.metadata?.name ?? "",
                  uid: pod.metadata?.uid ?? "",
                },
              ],
            },
          },
          { type: "merge", namespace: set.metadata?.namespace ?? "" },
        );
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
  }

  private async updatePods(
    set: StatefulSet,
    pods: Pod[],
    current: ControllerRevision,
    update: ControllerRevision,
  ): Promise<void> {
    const replicas = set.spec?.replicas ?? 1;
    const monotonic = set.spec?.podManagementPolicy !== "Parallel";
    const rolling = set.spec?.updateStrategy?.type !== "OnDelete";
    const partition = rolling ? (set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const currentSet = setAtRevision(set, current);
    const updateSet = setAtRevision(set, update);
    const byOrdinal = new Map<number, Pod>();
    for (const p of pods) byOrdinal.set(ordinalOf(set, p), p);
    const terminating = (p: Pod): boolean => p.metadata?.deletionTimestamp !== undefined;

    for (let ord = 0; ord < replicas; ord++) {
      const pod = byOrdinal.get(ord);
      if (!pod) {
        const fresh =
          rolling && ord < partition
            ? newPod(currentSet, ord, current.metadata?.name ?? "")
            : newPod(updateSet, ord, update.metadata?.name ?? "");
        await this.createPod(set, fresh, ord);
        if (monotonic) return;
        continue;
      }
      if (terminating(pod)) {
        if (monotonic) return;
        continue;
      }
      const phase = pod.status?.phase;
      if (phase === "Failed" || phase === "Succeeded") {
        await this.deletePod(set, pod);
        if (monotonic) return;
        continue;
      }
      if (monotonic && !isRunningAndReady(pod)) return;
    }

    const condemned = pods
      .filter((p) => ordinalOf(set, p) >= replicas)
      .sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
    const inRange = pods.filter((p) => ordinalOf(set, p) < replicas);
    for (const pod of condemned) {
      if (terminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && inRange.some((p) => terminating(p) || !isRunningAndReady(p))) return;
      await this.releaseClaims(set, pod, ordinalOf(set, pod));
      await this.deletePod(set, pod);
      if (monotonic) return;
    }
    if (!rolling) return;
    for (let ord = replicas - 1; ord >= partition; ord--) {
      const pod = byOrdinal.get(ord);
      if (!pod) return;
      if (revisionOf(pod) !== update.metadata?.name && !terminating(pod)) {
        await this.deletePod(set, pod);
        return;
      }
      if (terminating(pod) || !isRunningAndReady(pod)) return;
    }
  }

  /** Keeps revisionHistoryLimit revisions besides the live ones and those pods still use. */
  private async truncateHistory(
    set: StatefulSet,
    live: ControllerRevision[],
    status: { currentRevision?: string; updateRevision?: string },
  ): Promise<void> {
    const inUse = new Set([
      ...live.map((r) => r.metadata?.name ?? ""),
      status.currentRevision ?? "",
      status.updateRevision ?? "",
    ]);
    for (const p of this.pods.indexer.byIndex(namespaceIndex, set.metadata?.namespace ?? "")) {
      if (getControllerOf(p)?.uid === set.metadata?.uid) inUse.add(revisionOf(p));
    }
    const history = this.owned(set).filter((r) => !inUse.has(r.metadata?.name ?? ""));
    const excess = history.length - (set.spec?.revisionHistoryLimit ?? 10);
    for (const r of history.slice(0, Math.max(0, excess))) {
      try {
        await this.revisionClient.delete(r.metadata?.name ?? "", { namespace: r.metadata?.namespace ?? "" });
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
  }
}

export const statefulSetController: ControllerDescriptor = {
  name: "statefulset-controller",
  start: (ctx) => new StatefulSetController(ctx).start(),
};
