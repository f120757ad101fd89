// Taints the node lifecycle controller owns and toleration matching for NoExecute eviction
// (Kubernetes' v1helper.TolerationsTolerateTaint and taint manager getMinTolerationTime).
import type { Node, NodeCondition, Taint, Toleration } from "kubernetes-types/core/v1.js";

export const unreachableTaintKey = "node.kubernetes.io/unreachable";
export const notReadyTaintKey = "node.kubernetes.io/not-ready";
const ownedKeys = new Set([unreachableTaintKey, notReadyTaintKey]);

export function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready");
}

/** The controller's taints for a Ready condition status: none when True. */
export function taintsForReady(status: string | undefined): { key: string; effect: string }[] {
  const key =
    status === "False"
      ? notReadyTaintKey
      : status === "Unknown" || status === undefined
        ? unreachableTaintKey
        : "";
  if (key === "") return [];
  return [
    { key, effect: "NoSchedule" },
    { key, effect: "NoExecute" },
  ];
}

/**
 * The node's taints with the controller-owned ones replaced by `wanted` (timeAdded kept for
 * taints already present); undefined when nothing changes.
 */
export function reconcileTaints(
  current: readonly Taint[],
  wanted: readonly { key: string; effect: string }[],
  now: string,
): Taint[] | undefined {
  const same = (a: { key: string; effect: string }, b: { key: string; effect: string }) =>
    a.key === b.key && a.effect === b.effect;
  const owned = current.filter((t) => ownedKeys.has(t.key));
  const unchanged = owned.length === wanted.length && wanted.every((w) => owned.some((t) => same(t, w)));
  if (unchanged) return undefined;
  const kept = current.filter((t) => !ownedKeys.has(t.key));
  const added = wanted.map((w): Taint => {
    const existing = owned.find((t) => same(t, w));
    if (existing) return existing;
    return w.effect === "NoExecute" ? { ...w, timeAdded: now } : { ...w };
  });
  return [...kept, ...added];
}

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== "Exists") return false;
  if (t.operator === "Exists") return true;
  return (t.value ?? "") === (taint.value ?? "");
}

export type EvictionPlan = { kind: "now" } | { kind: "never" } | { kind: "at"; time: number };

/**
 * When a pod must go because of the node's NoExecute taints: at once if one is not tolerated,
 * never if every matching toleration is unbounded, else the earliest taint time plus the
 * smallest tolerationSeconds of the tolerations used.
 */
export function evictionPlan(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  now: number,
): EvictionPlan {
  const noExecute = taints.filter((t) => t.effect === "NoExecute");
  if (noExecute.length === 0) return { kind: "never" };
  let deadline = Number.POSITIVE_INFINITY;
  for (const taint of noExecute) {
    const used = tolerations.filter((t) => toleratesTaint(t, taint));
    if (used.length === 0) return { kind: "now" };
    const bounded = used.filter((t) => t.tolerationSeconds !== undefined && t.tolerationSeconds !== null);
    if (bounded.length === 0) continue;
    const seconds = Math.max(0, Math.min(...bounded.map((t) => t.tolerationSeconds ?? 0)));
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : Number.NaN;
    const start = Number.isNaN(added) ? now : added;
    deadline = Math.min(deadline, start + seconds * 1000);
  }
  if (deadline === Number.POSITIVE_INFINITY) return { kind: "never" };
  return deadline <= now ? { kind: "now" } : { kind: "at", time: deadline };
}
