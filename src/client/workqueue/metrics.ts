// client-go's workqueue series (util/workqueue/metrics.go), labelled by queue name: depth, adds,
// time waiting in the queue, time being processed, retries, and work in progress.
import {
  type CounterChild,
  defaultRegistry,
  type GaugeChild,
  type HistogramChild,
  type Registry,
  workqueueBuckets,
} from "../../metrics/index.ts";

function families(registry: Registry) {
  const byName = ["name"];
  return {
    depth: registry.gaugeVec({
      name: "workqueue_depth",
      help: "Current depth of workqueue",
      labelNames: byName,
    }),
    adds: registry.counterVec({
      name: "workqueue_adds_total",
      help: "Total number of adds handled by workqueue",
      labelNames: byName,
    }),
    queueDuration: registry.histogramVec({
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested.",
      labelNames: byName,
      buckets: workqueueBuckets,
    }),
    workDuration: registry.histogramVec({
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes.",
      labelNames: byName,
      buckets: workqueueBuckets,
    }),
    retries: registry.counterVec({
      name: "workqueue_retries_total",
      help: "Total number of retries handled by workqueue",
      labelNames: byName,
    }),
    unfinished: registry.callback({
      name: "workqueue_unfinished_work_seconds",
      help: "How many seconds of work has done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.",
      type: "gauge",
      labelNames: byName,
    }),
  };
}

/** One named queue's children and the add/start times of its items. */
export class QueueMetrics<K> {
  private readonly depth: GaugeChild;
  private readonly adds: CounterChild;
  private readonly queueDuration: HistogramChild;
  private readonly workDuration: HistogramChild;
  private readonly retries: CounterChild;
  private readonly addedAt = new Map<K, number>();
  private readonly startedAt = new Map<K, number>();
  readonly stop: () => void;

  constructor(name: string, registry: Registry = defaultRegistry) {
    const f = families(registry);
    this.depth = f.depth.labels(name);
    this.adds = f.adds.labels(name);
    this.queueDuration = f.queueDuration.labels(name);
    this.workDuration = f.workDuration.labels(name);
    this.retries = f.retries.labels(name);
    this.stop = f.unfinished.add(() => {
      const now = performance.now();
      let total = 0;
      for (const t of this.startedAt.values()) total += now - t;
      return [{ labels: [name], value: total / 1000 }];
    });
  }

  /** The item entered the queue (not when it was already waiting). */
  add(item: K, depth: number): void {
    this.adds.inc();
    this.depth.set(depth);
    if (!this.addedAt.has(item)) this.addedAt.set(item, performance.now());
  }

  /** A worker took the item. */
  get(item: K, depth: number): void {
    const now = performance.now();
    this.depth.set(depth);
    const added = this.addedAt.get(item);
    if (added !== undefined) {
      this.queueDuration.observe((now - added) / 1000);
      this.addedAt.delete(item);
    }
    this.startedAt.set(item, now);
  }

  done(item: K): void {
    const started = this.startedAt.get(item);
    if (started === undefined) return;
    this.workDuration.observe((performance.now() - started) / 1000);
    this.startedAt.delete(item);
  }

  retry(): void {
    this.retries.inc();
  }
}
