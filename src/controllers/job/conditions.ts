// Job conditions as the 1.32 controller writes them: FailureTarget / SuccessCriteriaMet first,
// Failed / Complete once no pod is left running, Suspended while suspended.
import type { Job, JobCondition, JobStatus } from "kubernetes-types/batch/v1.js";

export const reasons = {
  completionsReached: "CompletionsReached",
  backoffLimitExceeded: "BackoffLimitExceeded",
  deadlineExceeded: "DeadlineExceeded",
  podFailurePolicy: "PodFailurePolicy",
} as const;

export const messages = {
  completionsReached: "Reached expected number of succeeded pods",
  backoffLimitExceeded: "Job has reached the specified backoff limit",
  deadlineExceeded: "Job was active longer than specified deadline",
} as const;

/** Kubernetes' metav1.Time: RFC 3339 with second precision. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function getCondition(status: JobStatus | undefined, type: string): JobCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function isTrue(status: JobStatus | undefined, type: string): boolean {
  return getCondition(status, type)?.status === "True";
}

/** Complete or Failed: nothing more happens to the Job. */
export function isFinished(job: Job): boolean {
  return isTrue(job.status, "Complete") || isTrue(job.status, "Failed");
}

/** When a finished Job finished (completionTime, else the Failed condition's time). */
export function finishTime(job: Job): number | undefined {
  const t =
    job.status?.completionTime ??
    job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")
      ?.lastTransitionTime;
  const v = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(v) ? undefined : v;
}

/**
 * Sets a condition; returns whether anything changed. An unchanged status keeps the condition's
 * transition time, as Kubernetes does.
 */
export function setCondition(
  status: JobStatus,
  type: string,
  value: "True" | "False",
  reason: string,
  message: string,
  now: Date,
): boolean {
  const list = status.conditions ?? [];
  const at = rfc3339(now);
  const existing = list.find((c) => c.type === type);
  if (existing) {
    if (existing.status === value && existing.reason === reason && existing.message === message) return false;
    if (existing.status !== value) existing.lastTransitionTime = at;
    existing.status = value;
    existing.reason = reason;
    existing.message = message;
    existing.lastProbeTime = at;
  } else {
    list.push({ type, status: value, reason, message, lastProbeTime: at, lastTransitionTime: at });
  }
  status.conditions = list;
  return true;
}

/** Drops empty objects and arrays (the API may omit them on a round trip) and sorts keys. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(normalize);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[k]);
      if (v !== undefined && v !== null) out[k] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** Whether two statuses say the same thing (key order and empty members aside). */
export function sameStatus(a: JobStatus | undefined, b: JobStatus): boolean {
  return JSON.stringify(normalize(a ?? {})) === JSON.stringify(normalize(b));
}
