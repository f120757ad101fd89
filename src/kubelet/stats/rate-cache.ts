// usageNanoCores for the Summary API: the rate of a cumulative CPU counter since an earlier sample
// of the same key. The earlier sample is kept until it is at least `minWindowMs` old, so frequent
// scrapes do not shrink the window to noise (cAdvisor's housekeeping interval plays that role).

interface Sample {
  timeMs: number;
  valueNs: number;
}

export class CpuRateCache {
  private samples = new Map<string, Sample>();
  private seen = new Set<string>();

  constructor(private readonly minWindowMs = 1000) {}

  /** Nanocores since the kept sample, or undefined on the first sight (or after a counter reset). */
  rate(key: string, timeMs: number, valueNs: number): number | undefined {
    this.seen.add(key);
    const prev = this.samples.get(key);
    if (!prev || valueNs < prev.valueNs || timeMs <= prev.timeMs) {
      this.samples.set(key, { timeMs, valueNs });
      return undefined;
    }
    // ns of CPU per ms of wall time × 1000 = ns of CPU per s = nanocores.
    const nanocores = ((valueNs - prev.valueNs) * 1e3) / (timeMs - prev.timeMs);
    if (timeMs - prev.timeMs >= this.minWindowMs) this.samples.set(key, { timeMs, valueNs });
    return nanocores;
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
