// Counting finished pods exactly once (Kubernetes' job tracking with finalizers): a newly
// finished pod's uid is first persisted in status.uncountedTerminatedPods, then its
// batch.kubernetes.io/job-tracking finalizer is removed, then it moves into the succeeded/failed
// counters (completedIndexes for Indexed Jobs). A crash between steps repeats only the later ones.
import type { Job, JobStatus } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ResourceClient } from "../../client/resource-client.ts";
import { isTrue, reasons, setCondition } from "./conditions.ts";
import { matchPodFailurePolicy } from "./failure-policy.ts";
import { removeTrackingFinalizers } from "./finalizers.ts";
import { formatIndexes, parseIndexes, podIndex } from "./indexes.ts";
import { hasBackoffLimitPerIndex, isIndexFailed } from "./per-index.ts";
import { isIndexed, isPodFailed } from "./plan.ts";
import { hasTrackingFinalizer } from "./pods.ts";

export interface CountOptions {
  job: Job;
  /** The pods the Job owns. */
  pods: Pod[];
  now: Date;
  podClient: ResourceClient<Pod>;
  /** Writes the status (when changed); returns the Job as stored. */
  writeStatus(job: Job, status: JobStatus): Promise<Job>;
}

/** Returns the Job with its counters updated; pods ignored by podFailurePolicy are released uncounted. */
export async function countFinishedPods(o: CountOptions): Promise<Job> {
  let job = o.job;
  const { pods, now } = o;
  const status: JobStatus = structuredClone(job.status ?? {});
  const uncounted = {
    succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])],
    failed: [...(status.uncountedTerminatedPods?.failed ?? [])],
  };
  const known = new Set([...uncounted.succeeded, ...uncounted.failed]);
  const ignored: Pod[] = [];
  let added = false;
  for (const p of pods) {
    const uid = p.metadata?.uid ?? "";
    if (!hasTrackingFinalizer(p) || known.has(uid)) continue;
    if (p.status?.phase === "Succeeded") {
      uncounted.succeeded.push(uid);
      added = true;
    } else if (isPodFailed(p, job)) {
      const decision =
        p.status?.phase === "Failed" ? matchPodFailurePolicy(job.spec?.podFailurePolicy, p) : undefined;
      if (decision?.action === "Ignore") {
        ignored.push(p);
        continue;
      }
      if (decision?.action === "FailJob" && !isTrue(status, "FailureTarget")) {
        setCondition(status, "FailureTarget", "True", reasons.podFailurePolicy, decision.message, now);
      }
      uncounted.failed.push(uid);
      added = true;
    }
  }
  if (added) {
    status.uncountedTerminatedPods = uncounted;
    job = await o.writeStatus(job, status);
  }
  const pending = new Set([...uncounted.succeeded, ...uncounted.failed]);
  await removeTrackingFinalizers(o.podClient, [
    ...ignored,
    ...pods.filter((p) => hasTrackingFinalizer(p) && pending.has(p.metadata?.uid ?? "")),
  ]);
  if (pending.size === 0) return job;
  const next: JobStatus = structuredClone(job.status ?? {});
  const byUid = new Map(pods.map((p) => [p.metadata?.uid ?? "", p]));
  if (isIndexed(job)) {
    const completions = job.spec?.completions ?? 0;
    const completed = parseIndexes(next.completedIndexes, completions);
    for (const uid of uncounted.succeeded) {
      const p = byUid.get(uid);
      const ix = p ? podIndex(p) : undefined;
      if (ix !== undefined && ix < completions) completed.add(ix);
    }
    next.completedIndexes = formatIndexes(completed);
    next.succeeded = completed.size;
    if (hasBackoffLimitPerIndex(job)) {
      // A failure that used up its index's budget marks the index failed (never retried).
      const failedIndexes = parseIndexes(next.failedIndexes, completions);
      for (const uid of uncounted.failed) {
        const p = byUid.get(uid);
        const ix = p ? podIndex(p) : undefined;
        if (p && ix !== undefined && ix < completions && !completed.has(ix) && isIndexFailed(job, p))
          failedIndexes.add(ix);
      }
      next.failedIndexes = formatIndexes(failedIndexes);
    }
  } else next.succeeded = (next.succeeded ?? 0) + uncounted.succeeded.length;
  next.failed = (next.failed ?? 0) + uncounted.failed.length;
  next.uncountedTerminatedPods = {};
  return o.writeStatus(job, next);
}
