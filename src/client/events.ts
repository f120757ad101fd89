// Records core/v1 Events about objects, aggregating repeats like client-go's EventCorrelator:
// an event identical in involvedObject, reason, message, type and source to one recorded
// before becomes count+1 and a new lastTimestamp on the existing Event (a merge patch) rather
// than a new object. Recording never blocks the caller; writes are serialised in the background,
// and like client-go's broadcaster (maxQueuedEvents 1000, DropIfChannelFull) a full backlog drops
// new events rather than growing without bound while the API server is slower than the caller.
import type { Event, ObjectReference } from "kubernetes-types/core/v1.js";
import { NotFoundError } from "../api/errors.ts";
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
  /** Default `() => new Date()`. */
  now?: () => Date;
  onError?: (err: unknown) => void;
}

interface Aggregate {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
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
  private readonly cache = new Map<string, Aggregate>();
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private droppedCount = 0;
  private stopped = false;
  private readonly now: () => Date;

  constructor(private readonly options: EventRecorderOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Records an event about `obj`; returns at once (see `flush`). Ignored after stop. */
  event(obj: ObjectLike, type: EventType, reason: string, message: string): void {
    if (this.stopped) return;
    if (this.pending >= (this.options.maxQueued ?? 1000)) {
      this.droppedCount++;
      return;
    }
    const involved = reference(obj);
    const at = this.now();
    this.pending++;
    this.chain = this.chain
      .then(() => this.write(involved, type, reason, message, at))
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => {
        this.pending--;
      });
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Stops accepting events and waits for the ones already recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
  }

  get queued(): number {
    return this.pending;
  }

  /** Events dropped because the backlog was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  private key(involved: ObjectReference, type: string, reason: string, message: string): string {
    const o = this.options;
    return JSON.stringify([
      o.component,
      o.host ?? "",
      involved.kind ?? "",
      involved.namespace ?? "",
      involved.name ?? "",
      involved.uid ?? "",
      involved.apiVersion ?? "",
      type,
      reason,
      message,
    ]);
  }

  private remember(key: string, a: Aggregate): void {
    this.cache.delete(key);
    this.cache.set(key, a);
    const max = this.options.cacheSize ?? 4096;
    if (this.cache.size > max) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  private async write(
    involved: ObjectReference,
    type: EventType,
    reason: string,
    message: string,
    at: Date,
  ): Promise<void> {
    const key = this.key(involved, type, reason, message);
    const seen = this.cache.get(key);
    const timestamp = seconds(at);
    if (seen) {
      try {
        const count = seen.count + 1;
        await this.options.events.patch(
          seen.name,
          { count, lastTimestamp: timestamp, message },
          { type: "merge", namespace: seen.namespace },
        );
        this.remember(key, { ...seen, count });
        return;
      } catch (err) {
        // The aggregated Event expired or was deleted: start a new one.
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    const namespace = involved.namespace || "default";
    const o = this.options;
    // Like client-go: the involved object's name plus a unique hexadecimal suffix.
    const suffix = BigInt(at.getTime()) * BigInt(1_000_000) + BigInt(Math.floor(Math.random() * 1_000_000));
    const name = `${involved.name ?? "event"}.${suffix.toString(16)}`;
    const created = await o.events.create({
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      source: { component: o.component, ...(o.host ? { host: o.host } : {}) },
      reportingComponent: o.component,
      reportingInstance: o.instance ?? o.component,
    });
    this.remember(key, {
      name: created.metadata?.name ?? name,
      namespace,
      count: 1,
      firstTimestamp: timestamp,
    });
  }
}
