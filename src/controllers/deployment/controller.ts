// The Deployment controller: claims the ReplicaSets its selector matches, then per sync either
// scales (paused, or replicas changed) or rolls out (RollingUpdate / Recreate), and writes the
// status and conditions `kubectl rollout status` follows (Kubernetes' syncDeployment).
import type { Deployment, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { namespaceIndex, objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { claimObjects, getControllerOf } from "../util/controllerref.ts";
import { claimCandidates, controlledBy, ensureControllerUidIndex } from "../util/owner-index.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { deploymentsResource, podsResource, replicaSetsResource } from "../util/resources.ts";
import { selectorOf } from "../util/selector.ts";
import { asDeployment, type SyncContext } from "./context.ts";
import { getAllReplicaSetsAndSyncRevision } from "./newrs.ts";
import {
  cleanupDeployment,
  oldPodsRunning,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  scaleDownOldForRecreate,
} from "./rollout.ts";
import { scaleDeployment } from "./scale.ts";
import { calculateStatus, hasProgressDeadline, rolloutStatus, statusEqual } from "./status.ts";
import {
  activeSets,
  deploymentComplete,
  desiredReplicasAnnotation,
  getCondition,
  isRollingUpdate,
  newCondition,
  replicas,
  setCondition,
} from "./util.ts";

export class DeploymentController {
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly deploymentClient: ResourceClient<Deployment>;
  private readonly replicaSetClient: ResourceClient<ReplicaSet>;
  private queue: WorkQueue<string> | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.deployments = ctx.informers.informerFor<Deployment>(deploymentsResource);
    this.replicaSets = ctx.informers.informerFor<ReplicaSet>(replicaSetsResource);
    this.pods = ctx.informers.informerFor<Pod>(podsResource);
    ensureControllerUidIndex(this.replicaSets.indexer);
    ensureControllerUidIndex(this.pods.indexer);
    this.deploymentClient = ctx.client.resource<Deployment>(deploymentsResource);
    this.replicaSetClient = ctx.client.resource<ReplicaSet>(replicaSetsResource);
  }

  start(): StopController {
    return startQueueController({
      ctx: this.ctx,
      name: "deployment-controller",
      informers: [this.deployments, this.replicaSets, this.pods],
      register: (queue) => {
        this.queue = queue;
        return [
          this.deployments.addEventHandler({
            onAdd: (d) => queue.add(objectKey(d)),
            onUpdate: (_, d) => queue.add(objectKey(d)),
            onDelete: (d) => queue.add(objectKey(d)),
          }),
          this.replicaSets.addEventHandler({
            onAdd: (rs) => this.replicaSetChanged(undefined, rs),
            onUpdate: (old, rs) => this.replicaSetChanged(old, rs),
            onDelete: (rs) => this.enqueueOwner(rs),
          }),
          this.pods.addEventHandler({ onDelete: (p) => this.podDeleted(p) }),
        ];
      },
      sync: (key) => this.sync(key),
    });
  }

  private ownerOf(obj: ReplicaSet): Deployment | undefined {
    const ref = getControllerOf(obj);
    if (ref?.kind !== "Deployment") return undefined;
    const d = this.deployments.indexer.get(`${obj.metadata?.namespace ?? ""}/${ref.name}`);
    return d && d.metadata?.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: ReplicaSet): void {
    const d = this.ownerOf(rs);
    if (d) this.queue?.add(objectKey(d));
  }

  private replicaSetChanged(old: ReplicaSet | undefined, rs: ReplicaSet): void {
    if (old && old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
    if (old && getControllerOf(old)?.uid !== getControllerOf(rs)?.uid) this.enqueueOwner(old);
    if (getControllerOf(rs)) {
      this.enqueueOwner(rs);
      return;
    }
    // An orphan: every Deployment that selects it may adopt it.
    for (const d of this.deployments.indexer.byIndex(namespaceIndex, rs.metadata?.namespace ?? "")) {
      if (selectorOf(d.spec?.selector).matches(rs.metadata?.labels)) this.queue?.add(objectKey(d));
    }
  }

  /** Recreate waits for old pods to be gone, so their deletion is news. */
  private podDeleted(pod: Pod): void {
    const ref = getControllerOf(pod);
    if (ref?.kind !== "ReplicaSet") return;
    const rs = this.replicaSets.indexer.get(`${pod.metadata?.namespace ?? ""}/${ref.name}`);
    const d = rs ? this.ownerOf(rs) : undefined;
    if (d && !isRollingUpdate(d)) this.queue?.add(objectKey(d));
  }

  async sync(key: string): Promise<void> {
    const cached = this.deployments.indexer.get(key);
    if (!cached) return;
    const d: Deployment = structuredClone(cached);
    const { namespace } = splitKey(key);
    const selector = selectorOf(d.spec?.selector);
    const sets = await claimObjects<ReplicaSet>({
      owner: asDeployment(d),
      client: this.replicaSetClient,
      candidates: claimCandidates(this.replicaSets.indexer, namespace, d.metadata?.uid),
      matches: (rs) => selector.matches(rs.metadata?.labels),
      canAdopt: async () => {
        const fresh = await this.deploymentClient.get(d.metadata?.name ?? "", { namespace });
        return fresh.metadata?.uid === d.metadata?.uid && fresh.metadata?.deletionTimestamp === undefined;
      },
    });
    const podsByReplicaSet = new Map<string, Pod[]>();
    for (const rs of sets) {
      const uid = rs.metadata?.uid;
      if (uid) podsByReplicaSet.set(uid, controlledBy(this.pods.indexer, uid));
    }
    const ctx: SyncContext = {
      deployments: this.deploymentClient,
      replicaSets: this.replicaSetClient,
      recorder: this.ctx.recorder,
      now: this.ctx.now(),
      podsByReplicaSet,
      requeueAfter: (ms) => this.queue?.addAfter(key, ms),
    };
    const base: DeploymentStatus = structuredClone(d.status ?? {});
    if (d.metadata?.deletionTimestamp !== undefined) {
      await this.syncStatusOnly(ctx, d, sets, base);
      return;
    }
    this.pausedConditions(ctx, d, base);
    if (d.spec?.paused || this.isScalingEvent(d, sets)) {
      await this.syncScale(ctx, d, sets, base);
      return;
    }
    if (isRollingUpdate(d)) await this.rolloutRolling(ctx, d, sets, base);
    else await this.rolloutRecreate(ctx, d, sets, base);
  }

  private pausedConditions(ctx: SyncContext, d: Deployment, base: DeploymentStatus): void {
    if (!hasProgressDeadline(d)) return;
    const paused = getCondition(base, "Progressing")?.reason === "DeploymentPaused";
    if (d.spec?.paused && !paused) {
      setCondition(
        base,
        newCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", ctx.now),
      );
    } else if (!d.spec?.paused && paused) {
      setCondition(
        base,
        newCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", ctx.now),
      );
    }
  }

  /** Replicas changed while the template did not: some active ReplicaSet was sized for another count. */
  private isScalingEvent(d: Deployment, sets: ReplicaSet[]): boolean {
    for (const rs of activeSets(sets)) {
      const desired = rs.metadata?.annotations?.[desiredReplicasAnnotation];
      if (desired !== undefined && desired !== String(replicas(d))) return true;
    }
    return false;
  }

  private async syncStatusOnly(ctx: SyncContext, d: Deployment, sets: ReplicaSet[], base: DeploymentStatus) {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, false);
    await this.writeStatus(
      d,
      calculateStatus(d, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, ctx.now, base),
    );
  }

  private async syncScale(ctx: SyncContext, d: Deployment, sets: ReplicaSet[], base: DeploymentStatus) {
    const found = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, false);
    if (found.progressing) setCondition(base, found.progressing);
    await scaleDeployment(ctx, d, found.newRS, found.oldRSs);
    if (d.spec?.paused) await cleanupDeployment(ctx, d, found.oldRSs);
    // Sizes as just written: the cache may lag our own updates by one event.
    const ns = d.metadata?.namespace ?? "";
    const current = (rs: ReplicaSet): ReplicaSet =>
      this.replicaSets.indexer.get(`${ns}/${rs.metadata?.name ?? ""}`) ?? rs;
    const all = [...found.oldRSs, ...(found.newRS ? [found.newRS] : [])].map(current);
    await this.writeStatus(
      d,
      calculateStatus(d, all, found.newRS ? current(found.newRS) : undefined, ctx.now, base),
    );
  }

  private async rolloutRolling(ctx: SyncContext, d: Deployment, sets: ReplicaSet[], base: DeploymentStatus) {
    const found = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, true);
    if (found.progressing) setCondition(base, found.progressing);
    const { oldRSs } = found;
    const newRS = found.newRS as ReplicaSet;
    const all = [...oldRSs, newRS];
    if (await reconcileNewReplicaSet(ctx, d, all, newRS)) return this.finish(ctx, d, all, newRS, base);
    if (await reconcileOldReplicaSets(ctx, d, all, activeSets(oldRSs), newRS)) {
      return this.finish(ctx, d, all, newRS, base);
    }
    if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, d, oldRSs);
    return this.finish(ctx, d, all, newRS, base);
  }

  private async rolloutRecreate(ctx: SyncContext, d: Deployment, sets: ReplicaSet[], base: DeploymentStatus) {
    let found = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, false);
    if (found.progressing) setCondition(base, found.progressing);
    const all = (): ReplicaSet[] => [...found.oldRSs, ...(found.newRS ? [found.newRS] : [])];
    if (await scaleDownOldForRecreate(ctx, d, activeSets(found.oldRSs))) {
      return this.finish(ctx, d, all(), found.newRS, base);
    }
    if (oldPodsRunning(ctx, found.newRS, found.oldRSs)) return this.finish(ctx, d, all(), found.newRS, base);
    if (!found.newRS) {
      found = await getAllReplicaSetsAndSyncRevision(ctx, d, sets, true);
      if (found.progressing) setCondition(base, found.progressing);
    }
    if (found.newRS) await reconcileNewReplicaSet(ctx, d, all(), found.newRS);
    if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, d, found.oldRSs);
    return this.finish(ctx, d, all(), found.newRS, base);
  }

  /** Writes the rollout status and schedules the progress-deadline check. */
  private async finish(
    ctx: SyncContext,
    d: Deployment,
    all: ReplicaSet[],
    newRS: ReplicaSet | undefined,
    base: DeploymentStatus,
  ): Promise<void> {
    const status = rolloutStatus(d, all, newRS, ctx.now, base);
    await this.writeStatus(d, status);
    const c = getCondition(status, "Progressing");
    const deadline = d.spec?.progressDeadlineSeconds;
    if (
      hasProgressDeadline(d) &&
      deadline !== undefined &&
      c?.lastUpdateTime &&
      c.reason !== "NewReplicaSetAvailable" &&
      c.reason !== "ProgressDeadlineExceeded" &&
      !deploymentComplete(d, status)
    ) {
      const after = Date.parse(c.lastUpdateTime) + deadline * 1000 - ctx.now.getTime();
      ctx.requeueAfter(Math.max(after + 100, 1000));
    }
  }

  private async writeStatus(d: Deployment, status: DeploymentStatus): Promise<void> {
    if (statusEqual(d.status, status)) return;
    await this.deploymentClient.updateStatus({ ...d, status }, { namespace: d.metadata?.namespace ?? "" });
  }
}

export const deploymentController: ControllerDescriptor = {
  name: "deployment-controller",
  start: (ctx) => new DeploymentController(ctx).start(),
};
