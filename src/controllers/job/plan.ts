// Pure decisions of a Job sync over the pods it owns: which pods are active, terminating or
// newly finished, whether the Job has met its success or failure criteria, and how many pods
// (which indexes) to create or delete next.
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodActive, isPodReady } from "../util/pod.ts";
import { podIndex } from "./indexes.ts";

/** A pod that will not run any more from the Job's point of view (Kubernetes' isPodFailed). */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === "Failed") return true;
  // With podReplacementPolicy Failed (or a podFailurePolicy) only the terminal phase counts.
  if ((job.spec?.podReplacementPolicy ?? "TerminatingOrFailed") === "Failed" || job.spec?.podFailurePolicy)
    return false;
  // A pod being deleted before it succeeded is a failure, even if it never reaches a phase.
  return pod.metadata?.deletionTimestamp !== undefined && pod.status?.phase !== "Succeeded";
}

export function isTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp !== undefined && phase !== "Succeeded" && phase !== "Failed";
}

export function isIndexed(job: Job): boolean {
  return job.spec?.completionMode === "Indexed";
}

export interface PodCounts {
  active: Pod[];
  ready: number;
  terminating: number;
  /** Container restarts of active pods (backoffLimit counts them under restartPolicy OnFailure). */
  restarts: number;
}

export function countPods(pods: Pod[]): PodCounts {
  const active = pods.filter(isPodActive);
  let restarts = 0;
  for (const p of active) {
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])])
      restarts += s.restartCount ?? 0;
  }
  return {
    active,
    ready: active.filter(isPodReady).length,
    terminating: pods.filter(isTerminating).length,
    restarts,
  };
}

/** backoffLimit exceeded: failed pods beyond it, or (OnFailure) restarts reaching it. */
export function exceedsBackoffLimit(job: Job, failed: number, restarts: number): boolean {
  const limit = job.spec?.backoffLimit ?? 6;
  if (failed > limit) return true;
  if (job.spec?.template?.spec?.restartPolicy !== "OnFailure") return false;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export function successCriteriaMet(job: Job, succeeded: number, active: number): boolean {
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null) return succeeded > 0 && active === 0;
  return succeeded >= completions;
}

export interface IndexedPlan {
  /** Indexes to create, lowest first, at most what parallelism allows. */
  create: number[];
  /** Active pods with an invalid, completed or duplicate index. */
  remove: Pod[];
}

/** `done`: completed and failed indexes, which get no (more) pods. */
export function planIndexed(job: Job, active: Pod[], done: Set<number>, busy: Set<number>): IndexedPlan {
  const completions = job.spec?.completions ?? 0;
  const parallelism = job.spec?.parallelism ?? 1;
  const remove: Pod[] = [];
  const seen = new Set<number>();
  for (const p of active) {
    const ix = podIndex(p);
    if (ix === undefined || ix >= completions || done.has(ix) || seen.has(ix)) remove.push(p);
    else seen.add(ix);
  }
  const room = Math.max(0, parallelism - seen.size);
  const create: number[] = [];
  for (let ix = 0; ix < completions && create.length < room; ix++) {
    if (!done.has(ix) && !seen.has(ix) && !busy.has(ix)) create.push(ix);
  }
  return { create, remove };
}

/** NonIndexed: how many pods should be running now. */
export function wantedActive(job: Job, succeeded: number): number {
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null) return succeeded > 0 ? 0 : parallelism;
  return Math.max(0, Math.min(parallelism, completions - succeeded));
}
