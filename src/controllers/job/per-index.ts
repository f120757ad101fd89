// backoffLimitPerIndex (Kubernetes 1.32, beta): in an Indexed Job each index has its own failure
// budget. Every pod carries its index's failures so far in an annotation; a counted failure of a
// pod whose index already used the budget (or a FailIndex podFailurePolicy rule) marks the index
// failed in status.failedIndexes: it is not retried, and the Job fails once more than
// maxFailedIndexes indexes failed, or once every index finished with some failed.
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { type BackoffOptions, nextCreateAt } from "./backoff.ts";
import { matchPodFailurePolicy } from "./failure-policy.ts";
import { podIndex } from "./indexes.ts";
import { isPodFailed } from "./plan.ts";

export const indexFailureCountAnnotation = "batch.kubernetes.io/job-index-failure-count";
export const indexIgnoredFailureCountAnnotation = "batch.kubernetes.io/job-index-ignored-failure-count";

export function hasBackoffLimitPerIndex(job: Job): boolean {
  return job.spec?.completionMode === "Indexed" && typeof job.spec.backoffLimitPerIndex === "number";
}

function countAnnotation(pod: Pod, name: string): number {
  const v = Number.parseInt(pod.metadata?.annotations?.[name] ?? "", 10);
  return Number.isInteger(v) && v >= 0 ? v : 0;
}

/** Whether a failed pod counts against its index (podFailurePolicy Ignore does not). */
function failureOf(job: Job, pod: Pod): "counted" | "ignored" | "failIndex" | undefined {
  if (!isPodFailed(pod, job)) return undefined;
  const decision =
    pod.status?.phase === "Failed" ? matchPodFailurePolicy(job.spec?.podFailurePolicy, pod) : undefined;
  if (decision?.action === "FailIndex") return "failIndex";
  if (decision?.action === "Ignore") return "ignored";
  return "counted";
}

/** isIndexFailed: this failed pod uses up its index's budget (or a FailIndex rule matched it). */
export function isIndexFailed(job: Job, pod: Pod): boolean {
  const failure = failureOf(job, pod);
  if (failure === "failIndex") return true;
  return (
    failure === "counted" &&
    countAnnotation(pod, indexFailureCountAnnotation) >= (job.spec?.backoffLimitPerIndex ?? 0)
  );
}

/** The failure annotations for a new pod of `index`: the index's failures so far. */
export function indexFailureAnnotations(job: Job, pods: Pod[], index: number): Record<string, string> {
  let failures = 0;
  let ignored = 0;
  for (const p of pods) {
    if (podIndex(p) !== index) continue;
    const failure = failureOf(job, p);
    if (failure === undefined) continue;
    const priorFailures = countAnnotation(p, indexFailureCountAnnotation);
    const priorIgnored = countAnnotation(p, indexIgnoredFailureCountAnnotation);
    failures = Math.max(failures, priorFailures + (failure === "ignored" ? 0 : 1));
    ignored = Math.max(ignored, priorIgnored + (failure === "ignored" ? 1 : 0));
  }
  return {
    [indexFailureCountAnnotation]: String(failures),
    ...(ignored > 0 ? { [indexIgnoredFailureCountAnnotation]: String(ignored) } : {}),
  };
}

/** Epoch ms before which index `index` may not get a new pod: its own failures' backoff. */
export function indexNotBefore(job: Job, pods: Pod[], index: number, o: BackoffOptions, now: number): number {
  const finished = pods
    .filter((p) => podIndex(p) === index && (p.status?.phase === "Succeeded" || isPodFailed(p, job)))
    .map((p) => ({ pod: p, failed: p.status?.phase !== "Succeeded" }));
  return nextCreateAt(finished, o, now);
}

export interface IndexFailureVerdict {
  reason: "MaxFailedIndexesExceeded" | "FailedIndexes";
  message: string;
}

/** The Job's failure by its failed indexes, if any (checked before its success). */
export function failedByIndexes(
  job: Job,
  failed: number,
  completed: number,
): IndexFailureVerdict | undefined {
  if (!hasBackoffLimitPerIndex(job)) return undefined;
  const max = job.spec?.maxFailedIndexes;
  if (max !== undefined && failed > max)
    return {
      reason: "MaxFailedIndexesExceeded",
      message: "Job has exceeded the specified maximal number of failed indexes",
    };
  if (failed > 0 && failed + completed >= (job.spec?.completions ?? 0))
    return { reason: "FailedIndexes", message: "Job has failed indexes" };
  return undefined;
}
