// Scaling a Deployment outside a template change: resize the one active ReplicaSet, or — during a
// rollout — spread the added or removed replicas over the active ReplicaSets in proportion to
// their size (Kubernetes' proportional scaling, using the max-replicas annotation).
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { type SyncContext, scaleReplicaSet } from "./context.ts";
import {
  activeSets,
  byCreation,
  desiredReplicasAnnotation,
  isRollingUpdate,
  maxReplicasAnnotation,
  maxSurge,
  replicas,
  rsReplicas,
  sumSpec,
} from "./util.ts";

/** The only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const all = [...oldRSs, ...(newRS ? [newRS] : [])].sort(byCreation).reverse();
  const active = activeSets(all);
  if (active.length === 0) return newRS ?? all[0];
  if (active.length === 1) return active[0];
  return undefined;
}

function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = Number.parseInt(rs.metadata?.annotations?.[desiredReplicasAnnotation] ?? "", 10);
  return (
    rsReplicas(rs) === replicas(d) &&
    desired === replicas(d) &&
    (rs.status?.availableReplicas ?? 0) === replicas(d)
  );
}

function fraction(rs: ReplicaSet, d: Deployment): number {
  if (replicas(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = replicas(d) + maxSurge(d);
  const annotated = Number.parseInt(rs.metadata?.annotations?.[maxReplicasAnnotation] ?? "", 10);
  const base = Number.isNaN(annotated) ? (d.status?.replicas ?? 0) : annotated;
  if (base === 0) return 0;
  return Math.round((rsReplicas(rs) * deploymentReplicas) / base) - rsReplicas(rs);
}

/** New sizes per ReplicaSet name for a proportional scale (exported for tests). */
export function proportionalSizes(d: Deployment, sets: ReplicaSet[]): Map<string, number> {
  const all = activeSets(sets);
  const allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(all);
  // Largest first; among equals newer first when growing, older first when shrinking.
  const sorted = [...all].sort((a, b) => {
    const s = rsReplicas(b) - rsReplicas(a);
    if (s !== 0) return s;
    return toAdd > 0 ? byCreation(b, a) : byCreation(a, b);
  });
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of sorted) {
    let proportion = 0;
    if (toAdd !== 0 && added !== toAdd && rsReplicas(rs) > 0) {
      const f = fraction(rs, d);
      proportion = toAdd > 0 ? Math.min(f, toAdd - added) : Math.max(f, toAdd - added);
    }
    sizes.set(rs.metadata?.name ?? "", rsReplicas(rs) + proportion);
    added += proportion;
  }
  const first = sorted[0];
  if (first && toAdd !== 0) {
    const name = first.metadata?.name ?? "";
    sizes.set(name, Math.max(0, (sizes.get(name) ?? 0) + toAdd - added));
  }
  return sizes;
}

/** Returns whether any ReplicaSet was resized. */
export async function scaleDeployment(
  ctx: SyncContext,
  d: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): Promise<boolean> {
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (rsReplicas(only) === replicas(d)) return false;
    return (await scaleReplicaSet(ctx, only, replicas(d), d)).scaled;
  }
  if (isSaturated(d, newRS)) {
    let scaled = false;
    for (const old of activeSets(oldRSs)) scaled = (await scaleReplicaSet(ctx, old, 0, d)).scaled || scaled;
    return scaled;
  }
  if (!isRollingUpdate(d)) return false;
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  const sizes = proportionalSizes(d, all);
  let scaled = false;
  for (const rs of activeSets(all)) {
    const size = sizes.get(rs.metadata?.name ?? "") ?? rsReplicas(rs);
    scaled = (await scaleReplicaSet(ctx, rs, size, d)).scaled || scaled;
  }
  return scaled;
}
