// Records core/v1 Events about objects, correlated like client-go's EventCorrelator
// (event-correlator.ts): similar events are combined into one, repeats become a count patch
// (a merge patch of count, lastTimestamp and message) of the Event already written, and a flood
// from one object is rate limited. Recording never blocks the caller: writes go out one at a time
// in the background, a write still waiting is merged with a newer one for the same Event (so a
// burst of 1,000 "Created pod" events costs a handful of requests), and like client-go's
// broadcaster (maxQueuedEvents 1000, DropIfChannelFull) a full backlog drops new events.
import type { Event, ObjectReference } from "kubernetes-types/core/v1.js";
import { NotFoundError } from "../api/errors.ts";
import { type CorrelatorOptions, EventCorrelator } from "./event-correlator.ts";
import type { ObjectLike } from "./object.ts";
import type { ResourceClient } from "./resource-client.ts";

export type EventType = "Normal" | "Warning";

export interface EventRecorderOptions {
  /** A client for core/v1 events. */
  events: ResourceClient<Event>;
  /** source.component and reportingComponent, e.g. "default-scheduler". */
  component: string;
  /** source.host (e.g. the node name), optional. */
  host?: string;
  /** reportingInstance (default: the component). */
  instance?: string;
  /** Aggregation entries kept (least recently used dropped; default 4096). */
  cacheSize?: number;
  /** Events waiting to be written at most; further ones are dropped (default 1000, as client-go). */
  maxQueued?: number;
  /** Aggregation and spam-filter settings (defaults: client-go's). */
  correlation?: Omit<CorrelatorOptions, "now" | "cacheSize">;
  /** Default `() => new Date()`. */
  now?: () => Date;
  onError?: (err: unknown) => void;
}

/** One Event write waiting in the queue; a newer event for the same key updates it in place. */
interface Write {
  key: string;
  create: boolean;
  name: string;
  namespace: string;
  involved: ObjectReference;
  type: EventType;
  reason: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

function reference(obj: ObjectLike): ObjectReference {
  const m = obj.metadata ?? {};
  return {
    ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
    ...(obj.kind ? { kind: obj.kind } : {}),
    ...(m.namespace ? { namespace: m.namespace } : {}),
    ...(m.name ? { name: m.name } : {}),
    ...(m.uid ? { uid: m.uid } : {}),
    ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
  };
}

/** Kubernetes Event timestamps (firstTimestamp, lastTimestamp) have second precision. */
function seconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class EventRecorder {
  private readonly correlator: EventCorrelator;
  private readonly queue: Write[] = [];
  /** Writes still in `queue` (not started), by correlation key. */
  private readonly waiting = new Map<string, Write>();
  private running: Promise<void> | undefined;
  private droppedCount = 0;
  private stopped = false;
  private readonly now: () => Date;

  constructor(private readonly options: EventRecorderOptions) {
    this.now = options.now ?? (() => new Date());
    this.correlator = new EventCorrelator({
      ...options.correlation,
      ...(options.cacheSize !== undefined ? { cacheSize: options.cacheSize } : {}),
      now: () => this.now().getTime(),
    });
  }

  /** Records an event about `obj`; returns at once (see `flush`). Ignored after stop. */
  event(obj: ObjectLike, type: EventType, reason: string, message: string): void {
    if (this.stopped) return;
    const involved = reference(obj);
    const o = this.options;
    const now = this.now();
    const c = this.correlator.correlate({
      at: now.getTime(),
      involved,
      type,
      reason,
      message,
      component: o.component,
      ...(o.host ? { host: o.host } : {}),
    });
    if (c.action === "skip") return;
    const at = seconds(now);
    const pending = this.waiting.get(c.key);
    if (pending) {
      // Not sent yet: send the newer state instead (a create stays a create).
      pending.count = c.count;
      pending.message = c.message;
      pending.lastTimestamp = at;
      pending.involved = involved;
      return;
    }
    if (this.queued >= (o.maxQueued ?? 1000)) {
      this.droppedCount++;
      return;
    }
    const write: Write = {
      key: c.key,
      create: c.action === "create",
      name: c.name,
      namespace: c.namespace,
      involved,
      type,
      reason,
      message: c.message,
      count: c.count,
      firstTimestamp: seconds(new Date(c.first)),
      lastTimestamp: at,
    };
    this.queue.push(write);
    this.waiting.set(c.key, write);
    this.running ??= this.drain();
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops accepting events and waits for the ones already recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }

  /** Writes waiting or in flight. */
  get queued(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Events dropped because the backlog was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  private async drain(): Promise<void> {
    try {
      for (let w = this.queue.shift(); w; w = this.queue.shift()) {
        this.waiting.delete(w.key);
        try {
          await this.write(w);
        } catch (err) {
          this.options.onError?.(err);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async write(w: Write): Promise<void> {
    const events = this.options.events;
    if (!w.create) {
      try {
        await events.patch(
          w.name,
          { count: w.count, lastTimestamp: w.lastTimestamp, message: w.message },
          { type: "merge", namespace: w.namespace },
        );
        return;
      } catch (err) {
        // The Event expired or was deleted: write it again, with the count so far (client-go).
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    const o = this.options;
    try {
      await events.create({
        metadata: { name: w.name, namespace: w.namespace },
        involvedObject: w.involved,
        reason: w.reason,
        message: w.message,
        type: w.type,
        count: w.count,
        firstTimestamp: w.firstTimestamp,
        lastTimestamp: w.lastTimestamp,
        source: { component: o.component, ...(o.host ? { host: o.host } : {}) },
        reportingComponent: o.component,
        reportingInstance: o.instance ?? o.component,
      });
    } catch (err) {
      // Never written: the next event of its kind starts over instead of patching nothing.
      this.correlator.forget(w.key);
      throw err;
    }
  }
}
