// Decides what recording an event writes, like client-go's EventCorrelator: similar events (same
// source, involvedObject, type and reason, another message) are combined once there are
// `maxSimilar` of them within the window; an event seen before becomes a count patch of the
// Event written for it; and a token bucket per source, object, type and reason skips the write
// of a flood (the cached count still grows, so the next write carries it). Pure bookkeeping.
import type { ObjectReference } from "kubernetes-types/core/v1.js";

export interface CorrelatorOptions {
  /** Distinct messages of one kind of event before they are combined (default 10, as client-go). */
  maxSimilar?: number;
  /** A kind of event unseen this long starts over (default 10 min). */
  similarWindowMs?: number;
  /** Writes allowed at once per source/object/type/reason (default 25, as client-go). */
  spamBurst?: number;
  /** One more write allowed per this many ms (default 5 min: client-go's qps 1/300). */
  spamRefillMs?: number;
  /** Entries kept per cache, least recently used dropped (default 4096). */
  cacheSize?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

export interface CorrelatorInput {
  involved: ObjectReference;
  type: string;
  reason: string;
  message: string;
  component: string;
  host?: string;
  /** When it happened in ms (default: the clock's now). */
  at?: number;
}

/** What to write: a new Event, a patch of the one written before, or nothing. */
export type Correlation =
  | {
      action: "create" | "patch";
      key: string;
      name: string;
      namespace: string;
      message: string;
      count: number;
      first: number;
    }
  | { action: "skip"; key: string };

export const combinedPrefix = "(combined from similar events): ";

/** A Map used as a bounded least-recently-used cache. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

interface Observation {
  name: string;
  namespace: string;
  count: number;
  /** When the Event was first recorded (ms). */
  first: number;
}

export class EventCorrelator {
  private readonly similar: Lru<{ messages: Set<string>; last: number }>;
  private readonly observed: Lru<Observation>;
  private readonly buckets: Lru<{ tokens: number; at: number }>;
  private readonly now: () => number;
  private seq = 0;

  constructor(private readonly o: CorrelatorOptions = {}) {
    const size = o.cacheSize ?? 4096;
    this.similar = new Lru(size);
    this.observed = new Lru(size);
    this.buckets = new Lru(size);
    this.now = o.now ?? (() => Date.now());
  }

  correlate(e: CorrelatorInput): Correlation {
    const now = e.at ?? this.now();
    const i = e.involved;
    const source = [e.component, e.host ?? "", i.kind ?? "", i.namespace ?? "", i.name ?? "", i.uid ?? ""];
    const aggregateKey = JSON.stringify([...source, i.apiVersion ?? "", e.type, e.reason]);
    let key = JSON.stringify([aggregateKey, e.message]);
    let message = e.message;
    const maxSimilar = this.o.maxSimilar ?? 10;
    let record = this.similar.get(aggregateKey);
    if (!record || now - record.last > (this.o.similarWindowMs ?? 600_000))
      record = { messages: new Set(), last: now };
    record.messages.add(e.message);
    record.last = now;
    this.similar.set(aggregateKey, record);
    if (record.messages.size >= maxSimilar) {
      // Combined from here on: one Event under the kind's key, its message the latest one's.
      const first = record.messages.values().next().value;
      if (first !== undefined) record.messages.delete(first);
      key = aggregateKey;
      message = `${combinedPrefix}${e.message}`;
    }
    const seen = this.observed.get(key);
    const count = (seen?.count ?? 0) + 1;
    const namespace = i.namespace || "default";
    const name = seen?.name ?? this.newName(i.name ?? "event", now);
    const observation = { name, namespace: seen?.namespace ?? namespace, count, first: seen?.first ?? now };
    this.observed.set(key, observation);
    if (!this.allow(aggregateKey, now)) return { action: "skip", key };
    return { action: seen ? "patch" : "create", key, message, ...observation };
  }

  /** The Event written for `key` is gone: the next one of its kind starts a new Event. */
  forget(key: string): void {
    this.observed.delete(key);
  }

  /** client-go's EventSourceObjectSpamFilter: a token bucket per source, object, type and reason. */
  private allow(aggregateKey: string, now: number): boolean {
    const burst = this.o.spamBurst ?? 25;
    const refill = this.o.spamRefillMs ?? 300_000;
    const b = this.buckets.get(aggregateKey) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.at) / refill);
    b.at = now;
    this.buckets.set(aggregateKey, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Like client-go: the involved object's name and a unique hexadecimal suffix. */
  private newName(base: string, now: number): string {
    const suffix =
      BigInt(now) * 1_000_000n + BigInt((this.seq++ % 1000) * 1000 + Math.floor(Math.random() * 1000));
    return `${base}.${suffix.toString(16)}`;
  }
}
