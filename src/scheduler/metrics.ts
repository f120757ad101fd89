// kube-scheduler's series (pkg/scheduler/metrics): attempts by result and profile, attempt and
// SLI latency, and pending pods per queue, read from the queue at scrape time.
import {
  type CounterChild,
  defaultRegistry,
  type HistogramChild,
  schedulerAttemptBuckets,
  schedulerSliBuckets,
} from "../metrics/index.ts";
import type { SchedulingQueue } from "./queue.ts";

const attempts = defaultRegistry.counterVec({
  name: "scheduler_schedule_attempts_total",
  help: "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
  labelNames: ["result", "profile"],
});
const attemptDuration = defaultRegistry.histogramVec({
  name: "scheduler_scheduling_attempt_duration_seconds",
  help: "Scheduling attempt latency in seconds (scheduling algorithm + binding)",
  labelNames: ["result", "profile"],
  buckets: schedulerAttemptBuckets,
});
const sliDuration = defaultRegistry.histogramVec({
  name: "scheduler_pod_scheduling_sli_duration_seconds",
  help: "E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.",
  labelNames: ["attempts"],
  buckets: schedulerSliBuckets,
});
const pending = defaultRegistry.callback({
  name: "scheduler_pending_pods",
  help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods.",
  type: "gauge",
  labelNames: ["queue"],
});

export type AttemptResult = "scheduled" | "unschedulable" | "error";

/** One profile's children, looked up once per scheduler. */
export class SchedulerMetrics {
  private readonly attempts: Record<AttemptResult, CounterChild>;
  private readonly durations: Record<AttemptResult, HistogramChild>;

  constructor(profile: string) {
    this.attempts = {
      scheduled: attempts.labels("scheduled", profile),
      unschedulable: attempts.labels("unschedulable", profile),
      error: attempts.labels("error", profile),
    };
    this.durations = {
      scheduled: attemptDuration.labels("scheduled", profile),
      unschedulable: attemptDuration.labels("unschedulable", profile),
      error: attemptDuration.labels("error", profile),
    };
  }

  /** An attempt ended; `startedMs` is performance.now() when its cycle began. */
  attempt(result: AttemptResult, startedMs: number): void {
    this.attempts[result].inc();
    this.durations[result].observe((performance.now() - startedMs) / 1000);
  }

  /** A pod was bound: the time since it first entered the queue, by attempts (upstream caps the label at 16). */
  scheduled(attemptCount: number, sinceQueuedMs: number): void {
    sliDuration.labels(String(Math.min(attemptCount, 16))).observe(Math.max(0, sinceQueuedMs) / 1000);
  }

  /** Adds this scheduler's queue to scheduler_pending_pods; returns the remover. */
  watchQueue(queue: SchedulingQueue): () => void {
    return pending.add(() => {
      const n = queue.countsByQueue();
      return [
        { labels: ["active"], value: n.active },
        { labels: ["backoff"], value: n.backoff },
        { labels: ["unschedulable"], value: n.unschedulable },
        { labels: ["gated"], value: 0 },
      ];
    });
  }
}
