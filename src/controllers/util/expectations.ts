// Kubernetes' ControllerExpectations: after issuing N creates or deletes, a controller waits until
// its informer has observed them before computing a new diff, so a stale cache never causes
// duplicate creates. Expectations expire (default 5 min) so a lost event cannot wedge a controller.

interface Expectation {
  add: number;
  /** Keys (namespace/name) of objects whose deletion is awaited. */
  deletes: Set<string>;
  at: number;
}

export class ControllerExpectations {
  private readonly items = new Map<string, Expectation>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when nothing is awaited for the controller key (or the wait expired). */
  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.deletes.size === 0) return true;
    return this.now() - e.at > this.ttlMs;
  }

  expectCreations(key: string, count: number): void {
    this.items.set(key, { add: count, deletes: new Set(), at: this.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.items.set(key, { add: 0, deletes: new Set(podKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.items.get(key);
    if (e && e.add > 0) e.add--;
  }

  /** A create that failed or was skipped will never be observed. */
  lowerCreations(key: string, count: number): void {
    const e = this.items.get(key);
    if (e) e.add = Math.max(0, e.add - count);
  }

  deletionObserved(key: string, podKey: string): void {
    this.items.get(key)?.deletes.delete(podKey);
  }

  delete(key: string): void {
    this.items.delete(key);
  }

  /** Pending creates and deletes (for tests and status). */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.items.get(key);
    return e ? { add: e.add, del: e.deletes.size } : undefined;
  }
}

/**
 * Runs `count` calls of `fn` in batches of 1, 2, 4, … stopping after the first batch with a
 * failure (Kubernetes' slowStartBatch); returns how many succeeded and the first error.
 */
export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: () => Promise<void>,
): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === "fulfilled") successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}
