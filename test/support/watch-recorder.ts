// Records what a Store watch delivers and lets a test wait for a condition on it.
import type { StoreError, WatchEvent, WatchListener } from "../../src/storage/store.ts";

export class WatchRecorder implements WatchListener {
  readonly events: WatchEvent[] = [];
  readonly batches: WatchEvent[][] = [];
  readonly progress: number[] = [];
  error: StoreError | undefined;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  onEvents(events: WatchEvent[]): void {
    this.batches.push(events);
    this.events.push(...events);
    this.wake();
  }

  onError(error: StoreError): void {
    this.error = error;
    this.wake();
  }

  onProgress(revision: number): void {
    this.progress.push(revision);
    this.wake();
  }

  /** Resolves once `check` holds; rejects after timeoutMs (a hang guard, not a timing assertion). */
  until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.check !== check);
        reject(
          new Error(`watch condition not met; events=${JSON.stringify(this.events)} error=${this.error}`),
        );
      }, timeoutMs);
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  untilEvents(n: number, timeoutMs?: number): Promise<void> {
    return this.until(() => this.events.length >= n, timeoutMs);
  }

  untilError(timeoutMs?: number): Promise<void> {
    return this.until(() => this.error !== undefined, timeoutMs);
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
