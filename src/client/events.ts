// Records core/v1 Events about objects, correlated like client-go's EventCorrelator
// (event-correlator.ts): similar events are combined into one, repeats become a count patch
// (a merge patch of count, lastTimestamp and message) of the Event already written, and a flood
// from one object is rate limited. Recording never blocks the caller: writes go out in the
// background, `maxInFlight` at once (default 1; a scheduler binding hundreds of pods per second
// needs more, or its backlog fills and Scheduled events are dropped) but never two for the same
// Event, a write still waiting is merged with a newer one for the same Event (so a burst of 1,000
// "Created pod" events costs a handful of requests), and like client-go's broadcaster
// (maxQueuedEvents 1000, DropIfChannelFull) a full backlog drops new events.
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
  /** Event writes in flight at most (default 1); writes of one Event stay in order. */
  maxInFlight?: number;
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
  /** Writes not started yet (in `queue` or `parked`), by correlation key. */
  private readonly waiting = new Map<string, Write>();
  /** Keys with a write in flight. */
  private readonly active = new Set<string>();
  /** The next write of a key in `active`: it starts once that one has finished. */
  private readonly parked = new Map<string, Write>();
  private workers = 0;
  /** Settled when the last worker ends (nothing queued, parked or in flight). */
  private idle: { promise: Promise<void>; resolve: () => void } | undefined;
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
    const max = Math.max(1, o.maxInFlight ?? 1);
    if (this.workers < max && this.workers < this.queue.length + this.active.size) {
      this.workers++;
      if (!this.idle) {
        let resolve = (): void => {};
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        this.idle = { promise, resolve };
      }
      void this.work();
    }
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  async flush(): Promise<void> {
    while (this.idle) await this.idle.promise;
  }

  /** Stops accepting events and waits for the ones already recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }

  /** Writes waiting or in flight. */
  get queued(): number {
    return this.queue.length + this.parked.size + this.active.size;
  }

  /** Events dropped because the backlog was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** One of up to maxInFlight workers: takes writes off the queue until it is empty. */
  private async work(): Promise<void> {
    for (let w = this.queue.shift(); w; w = this.queue.shift()) {
      // A patch must not overtake the create (or an earlier patch) of its Event.
      if (this.active.has(w.key)) {
        this.parked.set(w.key, w);
        continue;
      }
      this.waiting.delete(w.key);
      this.active.add(w.key);
      try {
        await this.write(w);
      } catch (err) {
        this.options.onError?.(err);
      } finally {
        this.active.delete(w.key);
        const next = this.parked.get(w.key);
        if (next) {
          this.parked.delete(w.key);
          this.queue.unshift(next);
        }
      }
    }
    this.workers--;
    if (this.workers === 0) {
      const idle = this.idle;
      this.idle = undefined;
      idle?.resolve();
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
