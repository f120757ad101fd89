// Pod predicates the workload controllers share: active, ready, available (minReadySeconds),
// and Kubernetes' ranking of which pods to delete first when scaling down.
import type { Pod } from "kubernetes-types/core/v1.js";

/** Not finished and not being deleted (Kubernetes' IsPodActive). */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && pod.metadata?.deletionTimestamp === undefined;
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === "True";
}

/** Ready for at least minReadySeconds at `now` (Kubernetes' IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const c = readyCondition(pod);
  if (c?.status !== "True") return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : Number.NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now.getTime();
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Pod): number {
  let n = 0;
  for (const s of pod.status?.containerStatuses ?? []) n = Math.max(n, s.restartCount ?? 0);
  return n;
}

function time(t: string | undefined): number {
  const v = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(v) ? 0 : v;
}

/**
 * Orders pods most-deletable first (Kubernetes' ActivePodsWithRanks): unscheduled before scheduled,
 * Pending < Unknown < Running, not ready before ready, more co-located siblings (rank) first,
 * ready for less time first, more restarts first, newer first.
 */
export function compareForDeletion(a: Pod, b: Pod, rank: (p: Pod) => number = () => 0): number {
  const sa = a.spec?.nodeName ? 1 : 0;
  const sb = b.spec?.nodeName ? 1 : 0;
  if (sa !== sb) return sa - sb;
  const pa = phaseRank[a.status?.phase ?? "Pending"] ?? 0;
  const pb = phaseRank[b.status?.phase ?? "Pending"] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const ka = rank(a);
  const kb = rank(b);
  if (ka !== kb) return kb - ka;
  if (ra === 1 && rb === 1) {
    const ta = time(readyCondition(a)?.lastTransitionTime);
    const tb = time(readyCondition(b)?.lastTransitionTime);
    if (ta !== tb) return tb - ta;
  }
  const xa = restarts(a);
  const xb = restarts(b);
  if (xa !== xb) return xb - xa;
  const ca = time(a.metadata?.creationTimestamp);
  const cb = time(b.metadata?.creationTimestamp);
  if (ca !== cb) return cb - ca;
  return (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
}

/**
 * The `count` pods to delete from `pods`, ranked by how many `related` pods share their node
 * (so scaling down spreads what remains).
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node && isPodActive(p)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Pod): number => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => compareForDeletion(a, b, rank)).slice(0, count);
}
