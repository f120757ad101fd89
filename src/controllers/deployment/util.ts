// Deployment arithmetic and bookkeeping shared by the rollout strategies (Kubernetes'
// deployment/util): surge and unavailability budgets, revisions and their annotations,
// replica counts over ReplicaSets, and conditions.
import type { Deployment, DeploymentCondition, ReplicaSet } from "kubernetes-types/apps/v1.js";

export const revisionAnnotation = "deployment.kubernetes.io/revision";
export const revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
export const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
export const maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

/** Annotations that describe the Deployment itself and are not copied to its ReplicaSets. */
const notCopied = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  "deprecated.deployment.rollback.to",
]);

export function replicas(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

function scaled(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
  fallback: string,
): number {
  const v = value ?? fallback;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** [maxSurge, maxUnavailable] in pods; both zero becomes unavailability 1 (Kubernetes' ResolveFenceposts). */
export function resolveFenceposts(d: Deployment): [number, number] {
  const ru = d.spec?.strategy?.rollingUpdate;
  const n = replicas(d);
  const surge = scaled(ru?.maxSurge, n, true, "25%");
  const unavailable = scaled(ru?.maxUnavailable, n, false, "25%");
  if (surge === 0 && unavailable === 0) return [0, 1];
  return [surge, unavailable];
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d)[0] : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || replicas(d) === 0) return 0;
  return Math.min(resolveFenceposts(d)[1], replicas(d));
}

export function rsReplicas(rs: ReplicaSet | undefined): number {
  return rs?.spec?.replicas ?? 0;
}

export const sumSpec = (sets: ReplicaSet[]): number => sets.reduce((n, rs) => n + rsReplicas(rs), 0);
export const sumActual = (sets: ReplicaSet[]): number =>
  sets.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
export const sumReady = (sets: ReplicaSet[]): number =>
  sets.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
export const sumAvailable = (sets: ReplicaSet[]): number =>
  sets.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);

export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const v = Number.parseInt(obj?.metadata?.annotations?.[revisionAnnotation] ?? "", 10);
  return Number.isNaN(v) ? 0 : v;
}

export function maxRevision(sets: ReplicaSet[]): number {
  return sets.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

function time(t: string | undefined): number {
  const v = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(v) ? 0 : v;
}

/** Oldest first, by creation time then name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = time(a.metadata?.creationTimestamp) - time(b.metadata?.creationTimestamp);
  return d !== 0 ? d : (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
}

export const activeSets = (sets: ReplicaSet[]): ReplicaSet[] => sets.filter((rs) => rsReplicas(rs) > 0);

/**
 * Copies the Deployment's annotations to the ReplicaSet and moves its revision to `revision`,
 * remembering the old one in revision-history; returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  revision: number,
  exists: boolean,
): boolean {
  const annotations = { ...(rs.metadata?.annotations ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (notCopied.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const old = revisionOf(rs);
  if (old < revision) {
    annotations[revisionAnnotation] = String(revision);
    changed = true;
    if (exists && old > 0) {
      const history = annotations[revisionHistoryAnnotation];
      annotations[revisionHistoryAnnotation] = history ? `${history},${old}` : String(old);
    }
  }
  if (!exists) {
    annotations[desiredReplicasAnnotation] = String(replicas(d));
    annotations[maxReplicasAnnotation] = String(replicas(d) + maxSurge(d));
    changed = true;
  }
  rs.metadata = { ...(rs.metadata ?? {}), annotations };
  return changed;
}

/** Sets desired-/max-replicas; returns whether they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  if (a[desiredReplicasAnnotation] === String(desired) && a[maxReplicasAnnotation] === String(max))
    return false;
  rs.metadata = {
    ...(rs.metadata ?? {}),
    annotations: { ...a, [desiredReplicasAnnotation]: String(desired), [maxReplicasAnnotation]: String(max) },
  };
  return true;
}

export function getCondition(
  status: Deployment["status"] | undefined,
  type: string,
): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function newCondition(
  type: string,
  status: "True" | "False" | "Unknown",
  reason: string,
  message: string,
  now: Date,
): DeploymentCondition {
  const t = timestamp(now);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

/** Replaces the condition of that type; an unchanged status keeps its lastTransitionTime. */
export function setCondition(status: NonNullable<Deployment["status"]>, c: DeploymentCondition): void {
  const current = getCondition(status, c.type);
  if (current && current.status === c.status && current.reason === c.reason) return;
  const next =
    current && current.status === c.status ? { ...c, lastTransitionTime: current.lastTransitionTime } : c;
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(status: NonNullable<Deployment["status"]>, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** Every replica updated and available, and the current spec observed. */
export function deploymentComplete(d: Deployment, s: NonNullable<Deployment["status"]>): boolean {
  const n = replicas(d);
  return (
    (s.updatedReplicas ?? 0) === n &&
    (s.replicas ?? 0) === n &&
    (s.availableReplicas ?? 0) === n &&
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** More updated, ready or available replicas, or fewer old ones, than the last status said. */
export function deploymentProgressing(d: Deployment, s: NonNullable<Deployment["status"]>): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function deploymentTimedOut(d: Deployment, s: NonNullable<Deployment["status"]>, now: Date): boolean {
  const deadline = d.spec?.progressDeadlineSeconds;
  if (deadline === undefined || deadline === 2147483647) return false;
  const c = getCondition(s, "Progressing");
  if (!c) return false;
  if (c.reason === "NewReplicaSetAvailable") return false;
  if (c.reason === "ProgressDeadlineExceeded") return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : Number.NaN;
  return !Number.isNaN(from) && from + deadline * 1000 < now.getTime();
}
