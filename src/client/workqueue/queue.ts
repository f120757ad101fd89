// The controller workqueue: a de-duplicating FIFO of keys where a key is handed to one worker at
// a time (a key added while it is being processed is queued again after `done`), with delayed
// and rate-limited adds and a shutdown that lets workers drain.
import { MinHeap } from "./heap.ts";
import { QueueMetrics } from "./metrics.ts";
import { defaultControllerRateLimiter, type RateLimiter } from "./ratelimiter.ts";

export interface WorkQueueOptions<K> {
  /** Backoff for `addRateLimited` (default: 5 ms…1000 s per item, 10 qps / burst 100 overall). */
  rateLimiter?: RateLimiter<K>;
  /** Clock in ms for delayed adds (default performance.now). */
  now?: () => number;
  /** Names the queue's workqueue_* series (the controller's name); unnamed queues have none, as in client-go. */
  name?: string;
}

export class WorkQueue<K = string> {
  private queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiters: ((item: K | undefined) => void)[] = [];
  private readonly drainers: (() => void)[] = [];
  private readonly delayed = new MinHeap<K>();
  /** Earliest ready time per waiting key; heap entries with another time are stale. */
  private readonly readyAt = new Map<K, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private shutting = false;
  private readonly limiter: RateLimiter<K>;
  private readonly now: () => number;
  private readonly metrics: QueueMetrics<K> | undefined;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.limiter = options.rateLimiter ?? defaultControllerRateLimiter<K>();
    this.now = options.now ?? (() => performance.now());
    this.metrics = options.name ? new QueueMetrics<K>(options.name) : undefined;
  }

  /** Queued keys (not counting those being processed or waiting for a delay). */
  len(): number {
    return this.queue.length - this.head;
  }

  get shuttingDown(): boolean {
    return this.shutting;
  }

  add(item: K): void {
    if (this.shutting || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(item);
      this.processing.add(item);
      this.metrics?.add(item, this.len());
      this.metrics?.get(item, this.len());
      waiter(item);
    } else {
      this.queue.push(item);
      this.metrics?.add(item, this.len());
    }
  }

  /** The next key, marked as processing; undefined once shut down and empty. Call `done` after. */
  get(): Promise<K | undefined> {
    if (this.len() > 0) {
      const item = this.queue[this.head] as K;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.dirty.delete(item);
      this.processing.add(item);
      this.metrics?.get(item, this.len());
      return Promise.resolve(item);
    }
    if (this.shutting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends processing of a key; if it was added meanwhile it is queued again. */
  done(item: K): void {
    this.processing.delete(item);
    this.metrics?.done(item);
    if (this.dirty.has(item)) {
      this.dirty.delete(item);
      this.add(item);
    }
    if (this.processing.size === 0) for (const d of this.drainers.splice(0)) d();
  }

  /** Adds the key after a delay; a key already waiting keeps the earlier of the two times. */
  addAfter(item: K, delayMs: number): void {
    if (this.shutting) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    const at = this.now() + delayMs;
    const existing = this.readyAt.get(item);
    if (existing !== undefined && existing <= at) return;
    this.readyAt.set(item, at);
    this.delayed.push(at, item);
    this.arm();
  }

  /** Adds the key after the rate limiter's delay (a failure counted for it). */
  addRateLimited(item: K): void {
    this.metrics?.retry();
    this.addAfter(item, this.limiter.when(item));
  }

  /** The key succeeded: reset its backoff. */
  forget(item: K): void {
    this.limiter.forget(item);
  }

  numRequeues(item: K): number {
    return this.limiter.numRequeues(item);
  }

  private arm(): void {
    const top = this.delayed.peek();
    if (!top || this.shutting) return;
    if (this.timer && this.timerAt <= top.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = top.at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, top.at - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    for (let top = this.delayed.peek(); top && top.at <= now; top = this.delayed.peek()) {
      this.delayed.pop();
      if (this.readyAt.get(top.value) !== top.at) continue;
      this.readyAt.delete(top.value);
      this.add(top.value);
    }
    this.arm();
  }

  /** Stops accepting keys; workers get the queued ones, then undefined. Delayed keys are dropped. */
  shutDown(): void {
    this.shutting = true;
    this.metrics?.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.delayed.clear();
    this.readyAt.clear();
    if (this.len() === 0) for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** Shuts down and resolves once no key is being processed. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainers.push(resolve));
  }
}
