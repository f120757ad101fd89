// usageNanoCores for the Summary API: the rate of a cumulative CPU counter over a window of at
// least `minWindowMs` (cAdvisor's housekeeping interval plays that role), measured from the
// newest kept sample that old. Frequent scrapes (the metrics API, a user's GET right after it)
// therefore never shrink the window to a few milliseconds of noise.

interface Sample {
  timeMs: number;
  valueNs: number;
}

/** Samples closer together than this are not kept (bounds the list under frequent scrapes). */
const keepEveryMs = 100;

export class CpuRateCache {
  private samples = new Map<string, Sample[]>();
  private seen = new Set<string>();

  constructor(private readonly minWindowMs = 1000) {}

  /** Nanocores over the window, or undefined on the first sight (or after a counter reset). */
  rate(key: string, timeMs: number, valueNs: number): number | undefined {
    this.seen.add(key);
    const kept = this.samples.get(key) ?? [];
    const last = kept[kept.length - 1];
    if (!last || valueNs < last.valueNs || timeMs < last.timeMs) {
      this.samples.set(key, [{ timeMs, valueNs }]);
      return undefined;
    }
    // The newest sample at least the window old, else the oldest there is.
    let from = 0;
    for (let i = 0; i < kept.length; i++) if (timeMs - (kept[i]?.timeMs ?? 0) >= this.minWindowMs) from = i;
    const window = kept.slice(from);
    const base = window[0] ?? last;
    if (timeMs - last.timeMs >= keepEveryMs) window.push({ timeMs, valueNs });
    this.samples.set(key, window);
    if (timeMs <= base.timeMs) return undefined;
    // ns of CPU per ms of wall time × 1000 = ns of CPU per s = nanocores.
    return ((valueNs - base.valueNs) * 1e3) / (timeMs - base.timeMs);
  }

  /** Forgets keys not seen since the last sweep (containers that went away). */
  sweep(): void {
    for (const key of this.samples.keys()) if (!this.seen.has(key)) this.samples.delete(key);
    this.seen = new Set();
  }

  get size(): number {
    return this.samples.size;
  }
}
