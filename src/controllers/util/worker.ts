// The loop every controller runs: N workers take keys from a workqueue and call `sync(key)`;
// success forgets the key's backoff, failure requeues it rate-limited (client-go's processNextWorkItem).
import type { WorkQueue } from "../../client/workqueue/queue.ts";

export interface WorkerOptions {
  queue: WorkQueue<string>;
  /** Reconciles one key; throwing requeues the key with backoff. */
  sync: (key: string) => Promise<void>;
  /** Concurrent workers (default 1); one key is never handled by two workers at once. */
  workers?: number;
  /** Called for each failed sync (the key is requeued regardless). */
  onError?: (err: unknown, key: string) => void;
  /** Give up on a key after this many consecutive failures (default: never). */
  maxRetries?: number;
}

/** Starts the workers; the promise resolves once the queue is shut down and they have exited. */
export function runWorkers(options: WorkerOptions): Promise<void> {
  const { queue } = options;
  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await options.sync(key);
        queue.forget(key);
      } catch (err) {
        options.onError?.(err, key);
        if (options.maxRetries === undefined || queue.numRequeues(key) < options.maxRetries) {
          queue.addRateLimited(key);
        } else queue.forget(key);
      } finally {
        queue.done(key);
      }
    }
  };
  const n = Math.max(1, options.workers ?? 1);
  return Promise.all(Array.from({ length: n }, () => worker())).then(() => undefined);
}
