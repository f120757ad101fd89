// DaemonSet RollingUpdate (Kubernetes' rollingUpdate): per node, replace the old-revision pod by a
// new one while at most maxUnavailable nodes lack an available pod, or — with maxSurge — start the
// new pod next to the old one and delete the old one once the new one is available.
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodAvailable } from "../util/pod.ts";
import { revisionHashLabel } from "./pods.ts";

/** An int-or-percent of `total`, rounded up (GetScaledValueFromIntOrPercent with roundUp). */
export function scaled(value: number | string | undefined, total: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(value);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? fallback : n;
}

export function surgeAndUnavailable(
  ds: DaemonSet,
  desired: number,
): { maxSurge: number; maxUnavailable: number } {
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = scaled(ru?.maxSurge, desired, 0);
  let maxUnavailable = scaled(ru?.maxUnavailable, desired, 1);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export interface NodePods {
  node: string;
  /** Live (not deleting, not finished) daemon pods on a node where they may stay. */
  pods: Pod[];
}

export interface RollingPlan {
  deletes: Pod[];
  /** Nodes that get a new pod next to their old one (surge). */
  surgeNodes: string[];
}

const byAge = (a: Pod, b: Pod): number =>
  (a.metadata?.creationTimestamp ?? "").localeCompare(b.metadata?.creationTimestamp ?? "");

export function planRollingUpdate(
  ds: DaemonSet,
  hash: string,
  nodes: NodePods[],
  desired: number,
  now: Date,
): RollingPlan {
  const { maxSurge, maxUnavailable } = surgeAndUnavailable(ds, desired);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod): boolean => isPodAvailable(p, minReady, now);
  const deletes: Pod[] = [];
  const surgeNodes: string[] = [];
  const candidates: { node: string; old: Pod }[] = [];
  let unavailable = 0;
  let surging = 0;
  for (const { node, pods } of nodes) {
    const sorted = [...pods].sort(byAge);
    const newPod = sorted.find((p) => p.metadata?.labels?.[revisionHashLabel] === hash);
    const oldPods = sorted.filter((p) => p.metadata?.labels?.[revisionHashLabel] !== hash);
    const oldPod = oldPods[0];
    if (maxSurge === 0) {
      if (!oldPod) {
        if (!newPod || !available(newPod)) unavailable++;
        continue;
      }
      if (newPod) {
        // Both exist (strategy changed mid-update): the old one goes.
        deletes.push(...oldPods);
        if (!available(newPod)) unavailable++;
      } else if (!available(oldPod)) {
        deletes.push(...oldPods);
        unavailable++;
      } else candidates.push({ node, old: oldPod });
      continue;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) surgeNodes.push(node);
      else candidates.push({ node, old: oldPod });
    } else {
      surging++;
      if (available(newPod)) deletes.push(...oldPods);
    }
  }
  if (maxSurge === 0) {
    const room = Math.max(0, maxUnavailable - unavailable);
    for (const c of candidates.slice(0, room)) deletes.push(c.old);
  } else {
    const room = Math.max(0, maxSurge - surging);
    for (const c of candidates.slice(0, room)) surgeNodes.push(c.node);
  }
  return { deletes, surgeNodes };
}
