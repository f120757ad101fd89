// The registry: families by name, get-or-create (a module that registers its metrics twice gets the
// same family), and the rendering of all of them in the text exposition format 0.0.4.
import { CallbackFamily, type CallbackOptions } from "./callback.ts";
import { escapeHelp } from "./format.ts";
import {
  type Collector,
  type CounterChild,
  CounterVec,
  type GaugeChild,
  GaugeVec,
  type HistogramChild,
  type HistogramOptions,
  HistogramVec,
  type MetricOptions,
} from "./metric.ts";

export class Registry {
  private readonly families = new Map<string, Collector>();

  counterVec(options: MetricOptions & { labelNames: readonly string[] }): CounterVec {
    return this.getOrAdd(options, CounterVec, () => new CounterVec(options));
  }
  counter(options: MetricOptions): CounterChild {
    return this.getOrAdd(options, CounterVec, () => new CounterVec(options)).labels();
  }
  gaugeVec(options: MetricOptions & { labelNames: readonly string[] }): GaugeVec {
    return this.getOrAdd(options, GaugeVec, () => new GaugeVec(options));
  }
  gauge(options: MetricOptions): GaugeChild {
    return this.getOrAdd(options, GaugeVec, () => new GaugeVec(options)).labels();
  }
  histogramVec(options: HistogramOptions & { labelNames: readonly string[] }): HistogramVec {
    return this.getOrAdd(options, HistogramVec, () => new HistogramVec(options));
  }
  histogram(options: HistogramOptions): HistogramChild {
    return this.getOrAdd(options, HistogramVec, () => new HistogramVec(options)).labels();
  }
  /** A family computed at scrape time; add sources to it. */
  callback(options: CallbackOptions): CallbackFamily {
    const family = this.getOrAdd(options, CallbackFamily, () => new CallbackFamily(options));
    if (family.type !== options.type) throw new RangeError(`${options.name} is already a ${family.type}`);
    return family;
  }

  /** Any other collector (its name must be free). */
  register(collector: Collector): void {
    if (this.families.has(collector.name)) throw new RangeError(`${collector.name} is already registered`);
    this.families.set(collector.name, collector);
  }

  unregister(name: string): boolean {
    return this.families.delete(name);
  }

  get(name: string): Collector | undefined {
    return this.families.get(name);
  }

  /** The whole registry as exposition text, families sorted by name; empty families are left out. */
  async expose(): Promise<string> {
    const names = [...this.families.keys()].sort();
    const out: string[] = [];
    for (const name of names) {
      const f = this.families.get(name);
      if (!f) continue;
      const lines: string[] = [];
      await f.samples(lines);
      if (lines.length === 0) continue;
      out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`);
      for (const l of lines) out.push(l);
    }
    out.push("");
    return out.join("\n");
  }

  private getOrAdd<T extends Collector>(
    options: MetricOptions,
    kind: abstract new (...args: never[]) => T,
    create: () => T,
  ): T {
    const existing = this.families.get(options.name);
    if (existing) {
      const same =
        existing instanceof kind &&
        existing.labelNames.length === (options.labelNames ?? []).length &&
        existing.labelNames.every((l, i) => l === options.labelNames?.[i]);
      if (!same) throw new RangeError(`${options.name} is already registered with another type or labels`);
      return existing;
    }
    const created = create();
    this.families.set(options.name, created);
    return created;
  }
}

/**
 * The process-wide registry (client_golang's legacyregistry): components register their metrics
 * here at module load, so every component running in one process is served by one /metrics.
 */
export const defaultRegistry = new Registry();
