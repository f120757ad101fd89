// How long an item waits before it is retried: per-item exponential backoff and an overall
// token bucket, combined by taking the longest (client-go's DefaultControllerRateLimiter).

export interface RateLimiter<K> {
  /** Delay in ms before the item may be processed again; counts a failure for the item. */
  when(item: K): number;
  /** Stops tracking the item (it succeeded). */
  forget(item: K): void;
  /** Failures counted for the item since it was last forgotten. */
  numRequeues(item: K): number;
}

export interface ExponentialOptions {
  /** First delay (default 5 ms). */
  baseDelayMs?: number;
  /** Ceiling (default 1000 s). */
  maxDelayMs?: number;
}

/** base · 2^failures, capped. */
export class ItemExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  private readonly base: number;
  private readonly max: number;

  constructor(options: ExponentialOptions = {}) {
    this.base = options.baseDelayMs ?? 5;
    this.max = options.maxDelayMs ?? 1_000_000;
  }

  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    // 2^n overflows to Infinity for large n, which the cap absorbs.
    return Math.min(this.base * 2 ** n, this.max);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

export interface BucketOptions {
  /** Sustained rate (default 10 per second). */
  qps?: number;
  /** Tokens available at once (default 100). */
  burst?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

/** A token bucket: each `when` reserves one token and returns how long until it is available. */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private readonly qps: number;
  private readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private last: number;

  constructor(options: BucketOptions = {}) {
    this.qps = options.qps ?? 10;
    this.burst = options.burst ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.last = this.now();
  }

  when(_item: K): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.qps) / 1000);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  forget(_item: K): void {}

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest delay of several limiters. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }
  when(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }
  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }
  numRequeues(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

/** 5 ms … 1000 s per item, and 10 qps / burst 100 overall. */
export function defaultControllerRateLimiter<K>(): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialFailureRateLimiter<K>(), new BucketRateLimiter<K>());
}
