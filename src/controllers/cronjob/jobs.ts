// The Jobs a CronJob owns: building one for a fire time (name <cronjob>-<minutes since epoch>,
// scheduled-timestamp annotation, controller reference), whether one has finished, and which
// finished ones fall beyond the history limits.
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import { newControllerRef } from "../util/controllerref.ts";
import { formatInZone } from "./schedule.ts";

export const scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

export function jobName(cj: CronJob, scheduled: number): string {
  return `${cj.metadata?.name ?? ""}-${Math.floor(scheduled / 60_000)}`;
}

export function newScheduledJob(cj: CronJob, scheduled: number, zone: string): Job {
  const template = structuredClone(cj.spec?.jobTemplate ?? {});
  return {
    metadata: {
      name: jobName(cj, scheduled),
      namespace: cj.metadata?.namespace ?? "",
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: {
        ...(template.metadata?.annotations ?? {}),
        [scheduledTimestampAnnotation]: formatInZone(scheduled, zone),
      },
      ownerReferences: [newControllerRef({ ...cj, apiVersion: "batch/v1", kind: "CronJob" })],
    },
    spec: template.spec ?? { template: {} },
  };
}

/** "Complete" or "Failed" once the Job has finished, else undefined. */
export function finishedCondition(job: Job): "Complete" | "Failed" | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === "Complete" || c.type === "Failed") && c.status === "True") return c.type;
  }
  return undefined;
}

function startOrder(a: Job, b: Job): number {
  const at = a.status?.startTime ?? a.metadata?.creationTimestamp ?? "";
  const bt = b.status?.startTime ?? b.metadata?.creationTimestamp ?? "";
  return at.localeCompare(bt) || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
}

/** Finished Jobs beyond successfulJobsHistoryLimit (default 3) and failedJobsHistoryLimit (default 1), oldest first. */
export function jobsBeyondHistory(cj: CronJob, jobs: Job[]): Job[] {
  const pick = (kind: "Complete" | "Failed", limit: number): Job[] => {
    const done = jobs
      .filter((j) => finishedCondition(j) === kind && !j.metadata?.deletionTimestamp)
      .sort(startOrder);
    return done.slice(0, Math.max(0, done.length - limit));
  };
  return [
    ...pick("Complete", cj.spec?.successfulJobsHistoryLimit ?? 3),
    ...pick("Failed", cj.spec?.failedJobsHistoryLimit ?? 1),
  ];
}
