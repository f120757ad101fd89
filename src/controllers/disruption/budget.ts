// PodDisruptionBudget arithmetic (Kubernetes' disruption controller): expected pods and desired
// healthy count from minAvailable/maxUnavailable, healthy pods (ready, not being deleted, not
// evicted-but-unconfirmed), and the status that results.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from "kubernetes-types/policy/v1.js";
import { isPodReady } from "../util/pod.ts";

/** Eviction entries older than this are dropped: the pod was not deleted after all. */
export const deletionTimeoutMs = 2 * 60 * 1000;

type IntOrString = number | string | undefined;

/** An int-or-percent against `total` (percentages rounded up, like GetScaledValueFromIntOrPercent). */
export function scaled(value: IntOrString, total: number): number {
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(value ?? "");
  if (!m) return Number.parseInt(value ?? "0", 10) || 0;
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** Whether expected pods come from the controllers' scale (percentages, maxUnavailable) or the pod count. */
export function needsScale(pdb: PodDisruptionBudget): boolean {
  const min = pdb.spec?.minAvailable;
  return pdb.spec?.maxUnavailable !== undefined || (typeof min === "string" && min.endsWith("%"));
}

export function expectations(
  pdb: PodDisruptionBudget,
  podCount: number,
  scale: number,
): { expectedPods: number; desiredHealthy: number } {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined) {
    const unavailable = scaled(spec.maxUnavailable, scale);
    return { expectedPods: scale, desiredHealthy: Math.max(0, scale - unavailable) };
  }
  if (needsScale(pdb)) return { expectedPods: scale, desiredHealthy: scaled(spec.minAvailable, scale) };
  return { expectedPods: podCount, desiredHealthy: scaled(spec.minAvailable ?? 1, podCount) };
}

/** disruptedPods entries still pending (pod present, not deleting, not expired). */
export function pendingDisruptions(
  disrupted: Record<string, string>,
  pods: readonly Pod[],
  now: number,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, at] of Object.entries(disrupted)) {
    const pod = pods.find((p) => p.metadata?.name === name);
    if (!pod || pod.metadata?.deletionTimestamp !== undefined) continue;
    if (Date.parse(at) + deletionTimeoutMs < now) continue;
    out[name] = at;
  }
  return out;
}

export function countHealthy(pods: readonly Pod[], pending: Record<string, string>): number {
  return pods.filter(
    (p) =>
      p.metadata?.deletionTimestamp === undefined && isPodReady(p) && !((p.metadata?.name ?? "") in pending),
  ).length;
}

export interface StatusInput {
  pdb: PodDisruptionBudget;
  pods: readonly Pod[];
  /** Sum of the owning controllers' replicas; undefined when some pod has no known controller. */
  scale: number | undefined;
  now: Date;
}

/** The status to write; `disruptionsAllowed` is 0 when the expected count cannot be known. */
export function computeStatus(i: StatusInput): PodDisruptionBudgetStatus {
  const now = i.now.getTime();
  const old = i.pdb.status;
  const pending = pendingDisruptions(old?.disruptedPods ?? {}, i.pods, now);
  const currentHealthy = countHealthy(i.pods, pending);
  const unknownScale = needsScale(i.pdb) && i.scale === undefined;
  const { expectedPods, desiredHealthy } = expectations(i.pdb, i.pods.length, i.scale ?? 0);
  const allowed = unknownScale ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  const stamp = i.now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const prev = old?.conditions?.find((c) => c.type === "DisruptionAllowed");
  const status = allowed > 0 ? "True" : "False";
  const reason = unknownScale ? "SyncFailed" : allowed > 0 ? "SufficientPods" : "InsufficientPods";
  const generation = i.pdb.metadata?.generation ?? 0;
  return {
    observedGeneration: generation,
    ...(Object.keys(pending).length > 0 ? { disruptedPods: pending } : {}),
    disruptionsAllowed: allowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    conditions: [
      {
        type: "DisruptionAllowed",
        status,
        reason,
        message: unknownScale ? "found no controllers for some pods" : "",
        observedGeneration: generation,
        lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : stamp,
      },
    ],
  };
}

/** The earliest time a pending disruption expires (for a re-check), if any. */
export function nextExpiry(status: PodDisruptionBudgetStatus): number | undefined {
  const times = Object.values(status.disruptedPods ?? {}).map((t) => Date.parse(t) + deletionTimeoutMs);
  return times.length > 0 ? Math.min(...times) : undefined;
}
