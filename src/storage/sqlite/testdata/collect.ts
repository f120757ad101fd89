// Test helper: a WatchListener that records events and errors and lets tests wait for them.
import type { StoreError, WatchEvent, WatchListener } from "../../store.ts";

export class Collector implements WatchListener {
  readonly events: WatchEvent[] = [];
  /** Sizes of the onEvents batches, to check that batches arrive in order. */
  readonly batches: number[] = [];
  error: StoreError | undefined;
  private waiters: { done(): boolean; resolve(): void }[] = [];

  onEvents(events: WatchEvent[]): void {
    this.events.push(...events);
    this.batches.push(events.length);
    this.wake();
  }

  onError(error: StoreError): void {
    this.error = error;
    this.wake();
  }

  /** Resolves once `done()` holds (checked after every callback). */
  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.done()) return true;
      w.resolve();
      return false;
    });
  }
}

export function revisionOf(ev: WatchEvent): number {
  return ev.type === "put" ? ev.kv.modRevision : ev.revision;
}

export function keyOf(ev: WatchEvent): string {
  return ev.type === "put" ? ev.kv.key : ev.key;
}

/**
 * Runs `fn` while a referenced timer keeps the event loop alive: the store's own timers are
 * unref'd, so a test waiting only on them would otherwise end before they fire.
 */
export async function keepingAlive<T>(fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 1000);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
