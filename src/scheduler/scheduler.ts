// The Scheduler: informers feed the cache (bound pods, nodes, namespaces) and the queue (pending
// pods of our schedulerName); one loop pops a pod, runs a synchronous cycle on the cache, assumes
// the pod on the chosen node and binds it in the background while the next cycle runs. Pods that
// fit nowhere get PodScheduled=False/Unschedulable, a FailedScheduling event, maybe preemption,
// and wait in the queue until a node or pod changes.
import type { Namespace, Node, Pod } from "kubernetes-types/core/v1.js";
import { ApiError } from "../api/errors.ts";
import { EventRecorder } from "../client/events.ts";
import { SharedInformerFactory } from "../client/informer/factory.ts";
import { dropManagedFields } from "../client/informer/informer.ts";
import type { RestClient } from "../client/rest.ts";
import { PodWriter } from "./binder.ts";
import { SchedulerCache } from "./cache.ts";
import { eventsResource, namespacesResource, nodesResource, podsResource } from "./coords.ts";
import { fitErrorMessage } from "./diagnosis.ts";
import type { Framework } from "./framework.ts";
import { SchedulerMetrics } from "./metrics.ts";
import { podKey } from "./nodeinfo.ts";
import { defaultFramework } from "./plugins/index.ts";
import { type QueuedPodInfo, SchedulingQueue, type SchedulingQueueOptions } from "./queue.ts";
import { isSuccess } from "./types.ts";

export interface SchedulerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SchedulerOptions {
  client: RestClient;
  /** Pods whose spec.schedulerName is this are ours (default "default-scheduler"). */
  schedulerName?: string;
  /** Default: adaptive (see Framework). */
  percentageOfNodesToScore?: number;
  queue?: SchedulingQueueOptions;
  /** Record a "Scheduled" event per bound pod, as kube-scheduler does (default true). */
  recordScheduledEvents?: boolean;
  /** Bindings in flight at once (default 64); the loop waits when this many are pending. */
  maxInFlightBindings?: number;
  logger?: SchedulerLogger;
  /** Custom plugins (default: the default profile). */
  framework?: Framework;
}

export interface SchedulerStats {
  scheduled: number;
  unschedulableAttempts: number;
  bindErrors: number;
  preemptions: number;
}

function responsible(pod: Pod, schedulerName: string): boolean {
  const phase = pod.status?.phase;
  return (
    !pod.spec?.nodeName &&
    (pod.spec?.schedulerName ?? "default-scheduler") === schedulerName &&
    phase !== "Succeeded" &&
    phase !== "Failed" &&
    !pod.metadata?.deletionTimestamp &&
    (pod.spec?.schedulingGates ?? []).length === 0
  );
}

function nodeChangedForScheduling(a: Node, b: Node): boolean {
  return (
    a.spec?.unschedulable !== b.spec?.unschedulable ||
    JSON.stringify(a.metadata?.labels) !== JSON.stringify(b.metadata?.labels) ||
    JSON.stringify(a.spec?.taints) !== JSON.stringify(b.spec?.taints) ||
    JSON.stringify(a.status?.allocatable) !== JSON.stringify(b.status?.allocatable)
  );
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  readonly stats: SchedulerStats = { scheduled: 0, unschedulableAttempts: 0, bindErrors: 0, preemptions: 0 };
  private readonly schedulerName: string;
  private readonly factory: SharedInformerFactory;
  private readonly writer: PodWriter;
  private readonly recorder: EventRecorder;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private stopped = false;
  private readonly metrics: SchedulerMetrics;
  private unwatchQueue: (() => void) | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.schedulerName = options.schedulerName ?? "default-scheduler";
    this.queue = new SchedulingQueue(options.queue);
    this.metrics = new SchedulerMetrics(this.schedulerName);
    this.framework =
      options.framework ??
      defaultFramework(
        options.percentageOfNodesToScore !== undefined
          ? { percentageOfNodesToScore: options.percentageOfNodesToScore }
          : {},
      );
    this.factory = new SharedInformerFactory({
      client: options.client,
      informerDefaults: {
        onError: (err) => options.logger?.warn({ err }, "scheduler informer error"),
        // As kube-scheduler: the scheduler only patches, binds and deletes (with a uid precondition),
        // never writes a cached object back, so managedFields would only cost memory and GC.
        transform: dropManagedFields,
      },
    });
    this.writer = new PodWriter({ pods: options.client.resource<Pod>(podsResource) });
    this.recorder = new EventRecorder({
      events: options.client.resource(eventsResource),
      component: this.schedulerName,
      // One Event write at a time falls behind hundreds of bindings per second and the backlog
      // drops Scheduled events; 32 in flight are batched by the store's group commit, and the
      // backlog holds a burst of 10,000 pods' (bench/scheduler checks every bound pod has one).
      maxInFlight: 32,
      maxQueued: 16_384,
      onError: (err) => options.logger?.warn({ err }, "recording an event failed"),
    });
  }

  /** Starts the informers, waits for their caches, then starts the scheduling loop. */
  async start(): Promise<void> {
    const pods = this.factory.informerFor<Pod>(podsResource);
    const nodes = this.factory.informerFor<Node>(nodesResource);
    const namespaces = this.factory.informerFor<Namespace>(namespacesResource);
    pods.addEventHandler({
      onAdd: (p) => this.onPod(p),
      onUpdate: (_o, p) => this.onPod(p),
      onDelete: (p) => this.onPodDelete(p),
    });
    nodes.addEventHandler({
      onAdd: (n) => {
        this.cache.setNode(n);
        this.queue.moveAllToActiveOrBackoff();
      },
      onUpdate: (o, n) => {
        this.cache.setNode(n);
        if (nodeChangedForScheduling(o, n)) this.queue.moveAllToActiveOrBackoff();
      },
      onDelete: (n) => this.cache.removeNode(n.metadata?.name ?? ""),
    });
    namespaces.addEventHandler({
      onAdd: (ns) => this.cache.setNamespace(ns),
      onUpdate: (_o, ns) => this.cache.setNamespace(ns),
      onDelete: (ns) => this.cache.removeNamespace(ns.metadata?.name ?? ""),
    });
    this.unwatchQueue = this.metrics.watchQueue(this.queue);
    this.factory.start();
    if (!(await this.factory.waitForCacheSync())) return;
    if (this.stopped) return;
    this.loop = this.run();
  }

  private onPod(pod: Pod): void {
    const key = podKey(pod);
    if (pod.spec?.nodeName) {
      const wasPlaced = this.cache.nodeOf(key) !== undefined;
      this.cache.setPod(pod);
      this.queue.delete(key);
      // A newly placed pod can satisfy pending pods' affinity; a finished one frees room.
      if (!wasPlaced || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed")
        this.onAssignedChange();
    } else if (responsible(pod, this.schedulerName)) {
      if (!this.cache.isAssumed(key)) this.queue.add(pod);
    } else this.queue.delete(key);
  }

  private onPodDelete(pod: Pod): void {
    const key = podKey(pod);
    this.queue.delete(key);
    if (this.cache.nodeOf(key)) {
      this.cache.removePod(pod);
      this.onAssignedChange();
    }
  }

  private onAssignedChange(): void {
    this.queue.moveAllToActiveOrBackoff();
  }

  private async run(): Promise<void> {
    const max = this.options.maxInFlightBindings ?? 64;
    let sinceYield = 0;
    for (;;) {
      const qpi = await this.queue.pop();
      if (!qpi || this.stopped) return;
      this.scheduleOne(qpi);
      // Let watch events and binding responses in: a full queue would otherwise starve them.
      if (++sinceYield >= 16 || this.inFlight.size >= max) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
        while (this.inFlight.size >= max && !this.stopped) await Promise.race(this.inFlight);
      }
    }
  }

  /** One scheduling cycle (synchronous); binding and status writes continue in the background. */
  scheduleOne(qpi: QueuedPodInfo): void {
    const info = qpi.info;
    const cycle = this.queue.schedulingCycle;
    const started = performance.now();
    const result = this.framework.schedule(info, this.cache);
    if (result.kind === "scheduled") {
      const node = result.nodeName;
      const state = result.state;
      const reserved = this.framework.runReserve(state, info, node);
      const permitted = isSuccess(reserved) ? this.framework.runPermit(state, info, node) : reserved;
      if (!isSuccess(permitted)) {
        this.framework.runUnreserve(state, info, node);
        this.queue.addUnschedulable(qpi, cycle);
        this.metrics.attempt("unschedulable", started);
        return;
      }
      this.cache.assumePod(info, node);
      this.track(this.bind(qpi, node, state, started));
      return;
    }
    this.stats.unschedulableAttempts++;
    this.metrics.attempt("unschedulable", started);
    const numNodes = this.cache.nodes.length;
    let postFilterMessage: string | undefined;
    let nominated: string | undefined;
    if (!result.preFilter) {
      for (const p of this.framework.profile.postFilter) {
        const r = p.postFilter(result.state, info, this.cache, result.failures);
        if (r.nominatedNodeName) {
          nominated = r.nominatedNodeName;
          this.stats.preemptions++;
          for (const v of r.victims ?? []) this.track(this.preempt(info.pod, v.pod, nominated));
          break;
        }
        postFilterMessage = r.status.reasons.join(", ") || undefined;
      }
    }
    const message = fitErrorMessage({
      numNodes,
      failures: result.failures,
      ...(result.preFilter ? { preFilter: result.preFilter } : {}),
      ...(postFilterMessage ? { postFilterMessage } : {}),
    });
    this.queue.addUnschedulable(qpi, cycle);
    this.recorder.event(asPod(info.pod), "Warning", "FailedScheduling", message);
    this.track(
      this.writer.markUnschedulable(info.pod, message, nominated).then(
        () => undefined,
        (err: unknown) => {
          if (!(err instanceof ApiError && err.code === 404))
            this.options.logger?.warn({ err, pod: info.key }, "updating pod status failed");
        },
      ),
    );
  }

  private async bind(
    qpi: QueuedPodInfo,
    node: string,
    state: Parameters<Framework["runUnreserve"]>[0],
    started: number,
  ): Promise<void> {
    const info = qpi.info;
    try {
      await this.writer.bind(info.pod, node);
      this.stats.scheduled++;
      this.metrics.attempt("scheduled", started);
      this.metrics.scheduled(qpi.attempts + 1, Date.now() - qpi.initialTimestamp);
      this.queue.done(info.key);
      if (this.options.recordScheduledEvents !== false)
        this.recorder.event(
          asPod(info.pod),
          "Normal",
          "Scheduled",
          `Successfully assigned ${info.key} to ${node}`,
        );
    } catch (err) {
      this.stats.bindErrors++;
      this.metrics.attempt("error", started);
      this.cache.forgetPod(info.key);
      this.framework.runUnreserve(state, info, node);
      const gone = err instanceof ApiError && (err.code === 404 || err.code === 409);
      // 404: deleted meanwhile; 409: already bound (by us or another scheduler) — the watch will tell.
      if (gone) this.queue.done(info.key);
      else {
        this.options.logger?.warn({ err, pod: info.key, node }, "binding failed");
        this.queue.addBackoff(qpi);
      }
    }
  }

  private async preempt(preemptor: Pod, victim: Pod, node: string): Promise<void> {
    this.recorder.event(
      asPod(victim),
      "Normal",
      "Preempted",
      `Preempted by pod ${preemptor.metadata?.uid ?? ""} on node ${node}`,
    );
    try {
      await this.writer.deleteVictim(victim);
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409)))
        this.options.logger?.warn({ err, victim: podKey(victim) }, "deleting a preemption victim failed");
    }
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Pending pods as the queue holds them (for tests and diagnostics). */
  get pendingPods(): number {
    return this.queue.pendingCount;
  }

  /** Stops the loop and informers; waits for bindings and writes in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatchQueue?.();
    this.queue.close();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    await this.recorder.stop();
    await this.factory.stop();
  }
}

/** Informer list items carry no kind; events need a complete object reference. */
function asPod(pod: Pod): Pod {
  return { ...pod, apiVersion: "v1", kind: "Pod" };
}
