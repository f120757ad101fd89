// The scheduler's event recorder: several EventRecorders, each owning a shard of the involved
// objects. One recorder writes one Event at a time; at hundreds of bindings per second its
// backlog filled and Scheduled events were dropped (bench/scheduler: 645 of 2,000 pods had one).
// Sharding by object keeps client-go's correlation exact (similar events, repeats and the spam
// filter are all per involved object) while up to `shards` writes are in flight at once.

import { EventRecorder, type EventRecorderOptions, type EventType } from "../client/events.ts";
import type { ObjectLike } from "../client/object.ts";

export interface ShardedEventRecorderOptions extends EventRecorderOptions {
  /** Recorders (and so Event writes in flight) at most (default 32; bindings run 64 at once). */
  shards?: number;
}

/** FNV-1a over the key's last 12 characters (a uid's random tail, a name's distinct suffix). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = Math.max(0, text.length - 12); i < text.length; i++)
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class ShardedEventRecorder {
  private readonly shards: EventRecorder[];

  constructor(options: ShardedEventRecorderOptions) {
    const { shards = 32, ...recorder } = options;
    this.shards = Array.from({ length: Math.max(1, shards) }, () => new EventRecorder(recorder));
  }

  /** Records an event about `obj` on its object's recorder; returns at once. */
  event(obj: ObjectLike, type: EventType, reason: string, message: string): void {
    const m = obj.metadata ?? {};
    const key = m.uid || `${m.namespace ?? ""}/${m.name ?? ""}`;
    this.shards[hash(key) % this.shards.length]?.event(obj, type, reason, message);
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  async flush(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.flush()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.stop()));
  }

  /** Events dropped because a shard's backlog was full. */
  get dropped(): number {
    return this.shards.reduce((n, s) => n + s.dropped, 0);
  }
}
