// The two rollout strategies. RollingUpdate grows the new ReplicaSet within maxSurge and shrinks
// old ones within maxUnavailable (unhealthy replicas first); Recreate scales old ReplicaSets to
// zero, waits for their pods to be gone, then scales up the new one. Old ReplicaSets beyond
// revisionHistoryLimit are deleted once the rollout is complete.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { NotFoundError } from "../../api/errors.ts";
import { type SyncContext, scaleReplicaSet } from "./context.ts";
import { newRSNewReplicas } from "./newrs.ts";
import {
  activeSets,
  byCreation,
  maxUnavailable,
  replicas,
  revisionOf,
  rsReplicas,
  sumAvailable,
  sumSpec,
} from "./util.ts";

/** Returns whether the new ReplicaSet was resized. */
export async function reconcileNewReplicaSet(
  ctx: SyncContext,
  d: Deployment,
  all: ReplicaSet[],
  newRS: ReplicaSet,
): Promise<boolean> {
  const want = replicas(d);
  if (rsReplicas(newRS) === want) return false;
  if (rsReplicas(newRS) > want) return (await scaleReplicaSet(ctx, newRS, want, d)).scaled;
  return (await scaleReplicaSet(ctx, newRS, newRSNewReplicas(d, all, newRS), d)).scaled;
}

/** Returns whether any old ReplicaSet was scaled down. */
export async function reconcileOldReplicaSets(
  ctx: SyncContext,
  d: Deployment,
  all: ReplicaSet[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): Promise<boolean> {
  if (sumSpec(oldRSs) === 0) return false;
  const minAvailable = replicas(d) - maxUnavailable(d);
  const newUnavailable = rsReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // First remove old replicas that are not available anyway: that costs no availability.
  let cleaned = 0;
  const olds: ReplicaSet[] = [];
  for (const rs of [...oldRSs].sort(byCreation)) {
    const unhealthy = rsReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    const count = Math.min(maxScaledDown - cleaned, unhealthy);
    if (count <= 0 || rsReplicas(rs) === 0) {
      olds.push(rs);
      continue;
    }
    olds.push((await scaleReplicaSet(ctx, rs, rsReplicas(rs) - count, d)).rs);
    cleaned += count;
  }
  // Then scale down available old replicas while availability stays above the minimum.
  const available = sumAvailable([...olds, ...(newRS ? [newRS] : [])]);
  let scaledDown = 0;
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of olds) {
      if (scaledDown >= total) break;
      if (rsReplicas(rs) === 0) continue;
      const count = Math.min(rsReplicas(rs), total - scaledDown);
      await scaleReplicaSet(ctx, rs, rsReplicas(rs) - count, d);
      scaledDown += count;
    }
  }
  return cleaned + scaledDown > 0;
}

/** Scales every active old ReplicaSet to zero (Recreate); returns whether any changed. */
export async function scaleDownOldForRecreate(
  ctx: SyncContext,
  d: Deployment,
  oldRSs: ReplicaSet[],
): Promise<boolean> {
  let scaled = false;
  for (const rs of activeSets(oldRSs)) scaled = (await scaleReplicaSet(ctx, rs, 0, d)).scaled || scaled;
  return scaled;
}

/** Whether pods of old ReplicaSets still exist in a non-terminal phase. */
export function oldPodsRunning(
  ctx: SyncContext,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): boolean {
  if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
  for (const [uid, pods] of ctx.podsByReplicaSet) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== "Failed" && p.status?.phase !== "Succeeded")) return true;
  }
  return false;
}

/** Deletes the oldest empty ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupDeployment(
  ctx: SyncContext,
  d: Deployment,
  oldRSs: ReplicaSet[],
): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit ?? 10;
  const alive = oldRSs.filter((rs) => rs.metadata?.deletionTimestamp === undefined);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of byRevision.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0) continue;
    if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await ctx.replicaSets.delete(rs.metadata?.name ?? "", { namespace: rs.metadata?.namespace ?? "" });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}
