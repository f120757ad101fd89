// The ReplicaSet controller (also serving ReplicationControllers): keeps `spec.replicas` active pods
// matching the selector — adopting orphans, releasing pods it no longer selects, creating in
// slow-start batches and deleting the least valuable pods first — and reports their status.
import type { Pod } from "kubernetes-types/core/v1.js";
import { ConflictError, NotFoundError } from "../../api/errors.ts";
import { namespaceIndex, objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { claimObjects, getControllerOf, newControllerRef } from "../util/controllerref.ts";
import { ControllerExpectations, slowStartBatch } from "../util/expectations.ts";
import { claimCandidates, ensureControllerUidIndex } from "../util/owner-index.ts";
import { isPodActive, isPodReady, podsToDelete } from "../util/pod.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { podsResource } from "../util/resources.ts";
import { calculateStatus, statusChanged } from "./status.ts";
import { type ReplicaKind, type ReplicaOwner, replicaSetKind, replicationControllerKind } from "./types.ts";

/** At most this many creates or deletes per sync (Kubernetes' burstReplicas). */
const burstReplicas = 500;

/**
 * Pod status news (scheduled, running, ready) waits this long before the sync, so a burst of
 * them (1,000 pods starting) costs one sync and one status write per window, not one per pod.
 */
const statusBatchMs = 250;

export class ReplicaSetController {
  private readonly owners: Informer<ReplicaOwner>;
  private readonly pods: Informer<Pod>;
  private readonly ownerClient: ResourceClient<ReplicaOwner>;
  private readonly podClient: ResourceClient<Pod>;
  readonly expectations = new ControllerExpectations();
  private queue: WorkQueue<string> | undefined;

  constructor(
    private readonly kind: ReplicaKind,
    private readonly ctx: ControllerContext,
  ) {
    this.owners = ctx.informers.informerFor<ReplicaOwner>(kind.resource);
    this.pods = ctx.informers.informerFor<Pod>(podsResource);
    ensureControllerUidIndex(this.pods.indexer);
    this.ownerClient = ctx.client.resource<ReplicaOwner>(kind.resource);
    this.podClient = ctx.client.resource<Pod>(podsResource);
  }

  start(): StopController {
    return startQueueController({
      ctx: this.ctx,
      name: this.kind.name,
      informers: [this.owners, this.pods],
      register: (queue) => {
        this.queue = queue;
        return [
          this.owners.addEventHandler({
            onAdd: (o) => queue.add(objectKey(o)),
            onUpdate: (_, o) => queue.add(objectKey(o)),
            onDelete: (o) => {
              this.expectations.delete(objectKey(o));
              queue.add(objectKey(o));
            },
          }),
          this.pods.addEventHandler({
            onAdd: (p) => this.podAdded(p),
            onUpdate: (old, p) => this.podUpdated(old, p),
            onDelete: (p) => this.podDeleted(p, true),
          }),
        ];
      },
      sync: (key) => this.sync(key),
    });
  }

  /** The owner a controller reference points to, if it is one of ours with the same uid. */
  private resolve(namespace: string, ref: ReturnType<typeof getControllerOf>): ReplicaOwner | undefined {
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const owner = this.owners.indexer.get(`${namespace}/${ref.name}`);
    return owner && owner.metadata?.uid === ref.uid ? owner : undefined;
  }

  private enqueueSelecting(pod: Pod): void {
    const ns = pod.metadata?.namespace ?? "";
    for (const o of this.owners.indexer.byIndex(namespaceIndex, ns)) {
      if (this.kind.selector(o).matches(pod.metadata?.labels)) this.queue?.add(objectKey(o));
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp !== undefined) {
      this.podDeleted(pod);
      return;
    }
    const owner = this.resolve(pod.metadata?.namespace ?? "", getControllerOf(pod));
    if (owner) {
      const key = objectKey(owner);
      this.expectations.creationObserved(key);
      this.enqueueObserved(key);
    } else if (!getControllerOf(pod)) this.enqueueSelecting(pod);
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const ns = pod.metadata?.namespace ?? "";
    if (pod.metadata?.deletionTimestamp !== undefined && old.metadata?.deletionTimestamp === undefined) {
      // A graceful deletion started: the pod no longer counts, so act on it now.
      this.podDeleted(pod);
      return;
    }
    const oldRef = getControllerOf(old);
    const ref = getControllerOf(pod);
    const refChanged = oldRef?.uid !== ref?.uid;
    if (refChanged) {
      const prev = this.resolve(ns, oldRef);
      if (prev) this.queue?.add(objectKey(prev));
    }
    const owner = this.resolve(ns, ref);
    if (owner) {
      const key = objectKey(owner);
      if (refChanged) this.queue?.add(key);
      else this.queue?.addAfter(key, statusBatchMs);
      // Became ready: re-check availability once minReadySeconds have passed.
      const minReady = owner.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod))
        this.queue?.addAfter(key, minReady * 1000 + 100);
      return;
    }
    const labelsChanged =
      JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
    if (!ref && (labelsChanged || refChanged)) this.enqueueSelecting(pod);
  }

  /** A pod began terminating, or (`gone`) left the cache. */
  private podDeleted(pod: Pod, gone = false): void {
    const owner = this.resolve(pod.metadata?.namespace ?? "", getControllerOf(pod));
    if (!owner) return;
    const key = objectKey(owner);
    const awaited = !this.expectations.satisfied(key);
    this.expectations.deletionObserved(key, objectKey(pod));
    if (gone && pod.metadata?.deletionTimestamp !== undefined && !awaited) {
      // Its termination was seen already and it stopped counting then: its removal moves no count.
      this.queue?.addAfter(key, statusBatchMs);
      return;
    }
    this.enqueueObserved(key);
  }

  /**
   * After a create or delete was observed: sync now when nothing more is awaited (the next
   * slow-start batch, or a replacement for a pod deleted by someone else), else within the status
   * window. Until the last awaited one arrives a sync can only rewrite the counts, and a burst of
   * 500 observations would otherwise cost up to 500 syncs over every pod of the owner.
   */
  private enqueueObserved(key: string): void {
    if (this.expectations.satisfied(key)) this.queue?.add(key);
    else this.queue?.addAfter(key, statusBatchMs);
  }

  async sync(key: string): Promise<void> {
    const owner = this.owners.indexer.get(key);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    const { namespace } = splitKey(key);
    const needsSync = this.expectations.satisfied(key);
    const selector = this.kind.selector(owner);
    const identity = { ...owner, apiVersion: this.kind.apiVersion, kind: this.kind.kind };
    const active = claimCandidates(this.pods.indexer, namespace, owner.metadata?.uid).filter(isPodActive);
    const pods = await claimObjects<Pod>({
      owner: identity,
      client: this.podClient,
      candidates: active,
      matches: (p) => selector.matches(p.metadata?.labels),
      canAdopt: async () => {
        const fresh = await this.ownerClient.get(owner.metadata?.name ?? "", { namespace });
        return fresh.metadata?.uid === owner.metadata?.uid && fresh.metadata?.deletionTimestamp === undefined;
      },
    });
    let manageError: { reason: "FailedCreate" | "FailedDelete"; message: string; cause: unknown } | undefined;
    if (needsSync && owner.metadata?.deletionTimestamp === undefined) {
      manageError = await this.manageReplicas(key, identity, pods);
    }
    const status = calculateStatus({ owner, pods, manageError, now: this.ctx.now() });
    const updated = await this.writeStatus(owner, status);
    if (manageError) throw manageError.cause;
    const minReady = owner.spec?.minReadySeconds ?? 0;
    const desired = owner.spec?.replicas ?? 1;
    if (
      minReady > 0 &&
      (updated.readyReplicas ?? 0) === desired &&
      (updated.availableReplicas ?? 0) !== desired
    ) {
      this.queue?.addAfter(key, minReady * 1000);
    }
  }

  private async manageReplicas(
    key: string,
    owner: ReplicaOwner & { apiVersion: string; kind: string },
    pods: Pod[],
  ): Promise<{ reason: "FailedCreate" | "FailedDelete"; message: string; cause: unknown } | undefined> {
    const diff = pods.length - (owner.spec?.replicas ?? 1);
    const { recorder } = this.ctx;
    if (diff < 0) {
      const want = Math.min(-diff, burstReplicas);
      this.expectations.expectCreations(key, want);
      const template = owner.spec?.template ?? {};
      const ns = owner.metadata?.namespace ?? "";
      const result = await slowStartBatch(want, 1, async () => {
        const created = await this.podClient.create({
          metadata: {
            generateName: `${owner.metadata?.name ?? ""}-`,
            namespace: ns,
            ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
            ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
            ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
            ownerReferences: [newControllerRef(owner)],
          },
          ...(template.spec ? { spec: template.spec } : {}),
        });
        recorder.event(owner, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name ?? ""}`);
      });
      const skipped = want - result.successes;
      if (skipped > 0) this.expectations.lowerCreations(key, skipped);
      if (result.error !== undefined) {
        const message = result.error instanceof Error ? result.error.message : String(result.error);
        recorder.event(owner, "Warning", "FailedCreate", `Error creating: ${message}`);
        return { reason: "FailedCreate", message, cause: result.error };
      }
      return undefined;
    }
    if (diff > 0) {
      const victims = podsToDelete(pods, pods, Math.min(diff, burstReplicas));
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const results = await Promise.allSettled(
        victims.map(async (p) => {
          try {
            await this.podClient.delete(p.metadata?.name ?? "", { namespace: p.metadata?.namespace ?? "" });
            recorder.event(owner, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata?.name ?? ""}`);
          } catch (err) {
            // Already gone: the deletion we wanted happened.
            this.expectations.deletionObserved(key, objectKey(p));
            if (!(err instanceof NotFoundError)) throw err;
          }
        }),
      );
      const failed = results.find((r) => r.status === "rejected");
      if (failed && failed.status === "rejected") {
        const message = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
        recorder.event(owner, "Warning", "FailedDelete", `Error deleting: ${message}`);
        return { reason: "FailedDelete", message, cause: failed.reason };
      }
    }
    return undefined;
  }

  private async writeStatus(owner: ReplicaOwner, status: ReturnType<typeof calculateStatus>) {
    if (!statusChanged(owner.status, status)) return status;
    const namespace = owner.metadata?.namespace ?? "";
    try {
      const updated = await this.ownerClient.updateStatus({ ...owner, status }, { namespace });
      return updated.status ?? status;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // The cache was behind: write the same counts onto the current object once.
      const fresh = await this.ownerClient.get(owner.metadata?.name ?? "", { namespace });
      const updated = await this.ownerClient.updateStatus({ ...fresh, status }, { namespace });
      return updated.status ?? status;
    }
  }
}

function descriptor(kind: ReplicaKind): ControllerDescriptor {
  return { name: kind.name, start: (ctx) => new ReplicaSetController(kind, ctx).start() };
}

export const replicaSetController = descriptor(replicaSetKind);
export const replicationControllerController = descriptor(replicationControllerKind);
