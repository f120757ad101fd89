// Finding or creating the Deployment's new ReplicaSet (the one whose template equals the
// Deployment's, ignoring pod-template-hash and key order) and keeping revision annotations in
// step: a re-used old template moves to revision max+1 and remembers its former revision.
import type { Deployment, DeploymentCondition, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { AlreadyExistsError } from "../../api/errors.ts";
import { getControllerOf, newControllerRef } from "../util/controllerref.ts";
import { asDeployment, type SyncContext } from "./context.ts";
import { computeHash, equalIgnoreHash, podTemplateHashLabel } from "./hash.ts";
import {
  byCreation,
  isRollingUpdate,
  maxRevision,
  maxSurge,
  newCondition,
  replicas,
  revisionAnnotation,
  rsReplicas,
  setNewReplicaSetAnnotations,
  sumSpec,
} from "./util.ts";

export interface ReplicaSetsOfDeployment {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
  /** A Progressing condition to record (new ReplicaSet created or found). */
  progressing?: DeploymentCondition;
}

/** The oldest ReplicaSet whose template matches the Deployment's. */
export function findNewReplicaSet(d: Deployment, sets: ReplicaSet[]): ReplicaSet | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** How big the new ReplicaSet may be now (Kubernetes' NewRSNewReplicas). */
export function newRSNewReplicas(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): number {
  if (!isRollingUpdate(d)) return replicas(d);
  const current = sumSpec(all);
  const maxTotal = replicas(d) + maxSurge(d);
  const have = rsReplicas(newRS);
  if (current >= maxTotal) return have;
  return have + Math.max(0, Math.min(maxTotal - current, replicas(d) - have));
}

function progressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
}

async function syncDeploymentRevision(ctx: SyncContext, d: Deployment, revision: string): Promise<void> {
  if (d.metadata?.annotations?.[revisionAnnotation] === revision) return;
  const patched = await ctx.deployments.patch(
    d.metadata?.name ?? "",
    { metadata: { annotations: { [revisionAnnotation]: revision } } },
    { type: "merge", namespace: d.metadata?.namespace ?? "" },
  );
  // Later writes of this sync (status) compare-and-swap against the patched version.
  d.metadata = {
    ...(d.metadata ?? {}),
    annotations: { ...(d.metadata?.annotations ?? {}), [revisionAnnotation]: revision },
    ...(patched.metadata?.resourceVersion ? { resourceVersion: patched.metadata.resourceVersion } : {}),
  };
}

export async function getAllReplicaSetsAndSyncRevision(
  ctx: SyncContext,
  d: Deployment,
  sets: ReplicaSet[],
  createIfMissing: boolean,
): Promise<ReplicaSetsOfDeployment> {
  const existing = findNewReplicaSet(d, sets);
  const oldRSs = sets.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;
  const ns = d.metadata?.namespace ?? "";
  if (existing) {
    const copy: ReplicaSet = {
      ...existing,
      metadata: { ...(existing.metadata ?? {}) },
      spec: { ...(existing.spec ?? { selector: {} }) },
    };
    let changed = setNewReplicaSetAnnotations(d, copy, newRevision, true);
    const minReady = d.spec?.minReadySeconds ?? 0;
    if ((copy.spec?.minReadySeconds ?? 0) !== minReady && copy.spec) {
      copy.spec.minReadySeconds = minReady;
      changed = true;
    }
    const newRS = changed ? await ctx.replicaSets.update(copy, { namespace: ns }) : existing;
    await syncDeploymentRevision(
      ctx,
      d,
      newRS.metadata?.annotations?.[revisionAnnotation] ?? String(newRevision),
    );
    const hasProgressing = d.status?.conditions?.some((c) => c.type === "Progressing");
    const progressing =
      progressDeadline(d) && !hasProgressing
        ? newCondition(
            "Progressing",
            "True",
            "FoundNewReplicaSet",
            `Found new replica set "${newRS.metadata?.name ?? ""}"`,
            ctx.now,
          )
        : undefined;
    return { newRS, oldRSs, ...(progressing ? { progressing } : {}) };
  }
  if (!createIfMissing) return { newRS: undefined, oldRSs };
  const hash = computeHash(d.spec?.template, d.status?.collisionCount);
  const template = d.spec?.template ?? {};
  const labels = { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash };
  const selector = d.spec?.selector ?? {};
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata?.name ?? ""}-${hash}`,
      namespace: ns,
      labels,
      ownerReferences: [newControllerRef(asDeployment(d))],
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: {
        ...selector,
        matchLabels: { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash },
      },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
    },
  };
  const size = newRSNewReplicas(d, oldRSs, rs);
  if (rs.spec) rs.spec.replicas = size;
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  let created: ReplicaSet;
  try {
    created = await ctx.replicaSets.create(rs, { namespace: ns });
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    // Our cache had not seen it yet, or a hash collision with a foreign ReplicaSet.
    const found = await ctx.replicaSets.get(rs.metadata?.name ?? "", { namespace: ns });
    const ours = getControllerOf(found)?.uid === d.metadata?.uid;
    if (ours && equalIgnoreHash(found.spec?.template, d.spec?.template)) return { newRS: found, oldRSs };
    await ctx.deployments.updateStatus(
      { ...d, status: { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 } },
      { namespace: ns },
    );
    throw err;
  }
  if (size > 0) {
    ctx.recorder.event(
      asDeployment(d),
      "Normal",
      "ScalingReplicaSet",
      `Scaled up replica set ${created.metadata?.name ?? ""} from 0 to ${size}`,
    );
  }
  await syncDeploymentRevision(ctx, d, String(newRevision));
  const progressing = progressDeadline(d)
    ? newCondition(
        "Progressing",
        "True",
        "NewReplicaSetCreated",
        `Created new replica set "${created.metadata?.name ?? ""}"`,
        ctx.now,
      )
    : undefined;
  return { newRS: created, oldRSs, ...(progressing ? { progressing } : {}) };
}
