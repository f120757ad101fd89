// Metric families: counters, gauges and histograms, each a vector of children keyed by label
// values. A child is created on first use and cached, so an observation after the first costs one
// Map lookup (or nothing, when the caller keeps the child).
import { braces, formatValue, labelPairs, validLabelName, validMetricName } from "./format.ts";

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricOptions {
  name: string;
  help: string;
  /** Default none. */
  labelNames?: readonly string[];
}

/** Anything the registry can render: writes complete exposition lines (without HELP/TYPE). */
export interface Collector {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
  /** Appends sample lines; may await (callback collectors). */
  samples(out: string[]): void | Promise<void>;
}

export class CounterChild {
  value = 0;
  /** Counters only go up: a negative increment is a programming error. */
  inc(n = 1): void {
    if (n < 0) throw new RangeError("counter increment must not be negative");
    this.value += n;
  }
}

export class GaugeChild {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
  inc(n = 1): void {
    this.value += n;
  }
  dec(n = 1): void {
    this.value -= n;
  }
}

export class HistogramChild {
  /** Non-cumulative counts per bucket; the last slot is the +Inf overflow. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly upperBounds: readonly number[]) {
    this.counts = new Float64Array(upperBounds.length + 1);
  }
  observe(v: number): void {
    const bounds = this.upperBounds;
    let i = 0;
    while (i < bounds.length && v > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += v;
    this.count++;
  }
}

interface Entry<C> {
  /** `name="value",…` rendered once, at creation. */
  pairs: string;
  child: C;
}

const separator = "\u0000";

/** A family of children of one kind, keyed by their label values. */
export abstract class MetricVec<C> implements Collector {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  abstract readonly type: MetricType;
  private readonly children = new Map<string, Entry<C>>();

  constructor(options: MetricOptions) {
    if (!validMetricName(options.name)) throw new RangeError(`invalid metric name ${options.name}`);
    const labelNames = options.labelNames ?? [];
    for (const l of labelNames) {
      if (!validLabelName(l) || l === "le")
        throw new RangeError(`invalid label name ${l} on ${options.name}`);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = labelNames;
  }

  protected abstract create(): C;

  /** The child for these label values (in labelNames order), created on first use. */
  labels(...values: string[]): C {
    const key = values.length === 1 ? (values[0] as string) : values.join(separator);
    const hit = this.children.get(key);
    if (hit) return hit.child;
    if (values.length !== this.labelNames.length) {
      throw new RangeError(
        `${this.name}: ${values.length} label values for ${this.labelNames.length} labels`,
      );
    }
    const entry = { pairs: labelPairs(this.labelNames, values), child: this.create() };
    this.children.set(key, entry);
    return entry.child;
  }

  /** Drops one child (e.g. a deleted queue's series). */
  remove(...values: string[]): boolean {
    return this.children.delete(values.length === 1 ? (values[0] as string) : values.join(separator));
  }

  /** Number of children (series, or histograms). */
  get size(): number {
    return this.children.size;
  }

  samples(out: string[]): void {
    for (const e of this.children.values()) this.write(out, e.pairs, e.child);
  }

  protected abstract write(out: string[], pairs: string, child: C): void;
}

export class CounterVec extends MetricVec<CounterChild> {
  readonly type = "counter";
  protected create(): CounterChild {
    return new CounterChild();
  }
  protected write(out: string[], pairs: string, child: CounterChild): void {
    out.push(`${this.name}${braces(pairs)} ${formatValue(child.value)}`);
  }
}

export class GaugeVec extends MetricVec<GaugeChild> {
  readonly type = "gauge";
  protected create(): GaugeChild {
    return new GaugeChild();
  }
  protected write(out: string[], pairs: string, child: GaugeChild): void {
    out.push(`${this.name}${braces(pairs)} ${formatValue(child.value)}`);
  }
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, strictly increasing, without +Inf. */
  buckets: readonly number[];
}

export class HistogramVec extends MetricVec<HistogramChild> {
  readonly type = "histogram";
  readonly buckets: readonly number[];
  /** `le="…"` per bucket, rendered once. */
  private readonly les: readonly string[];

  constructor(options: HistogramOptions) {
    super(options);
    const b = options.buckets.filter((x) => x !== Number.POSITIVE_INFINITY);
    for (let i = 1; i < b.length; i++) {
      if ((b[i] as number) <= (b[i - 1] as number))
        throw new RangeError(`${options.name}: buckets must be strictly increasing`);
    }
    this.buckets = b;
    this.les = [...b.map((x) => `le="${formatValue(x)}"`), 'le="+Inf"'];
  }

  protected create(): HistogramChild {
    return new HistogramChild(this.buckets);
  }

  protected write(out: string[], pairs: string, child: HistogramChild): void {
    const prefix = pairs === "" ? "{" : `{${pairs},`;
    let cumulative = 0;
    for (let i = 0; i < this.les.length; i++) {
      cumulative += child.counts[i] ?? 0;
      out.push(`${this.name}_bucket${prefix}${this.les[i]}} ${cumulative}`);
    }
    out.push(`${this.name}_sum${braces(pairs)} ${formatValue(child.sum)}`);
    out.push(`${this.name}_count${braces(pairs)} ${child.count}`);
  }
}
