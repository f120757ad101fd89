// Series computed at scrape time (process figures, object counts, running pods): each source
// returns samples; several sources of one family (two kubelets in one process) are summed.
import { braces, formatValue, labelPairs, validLabelName, validMetricName } from "./format.ts";
import type { Collector, MetricOptions } from "./metric.ts";

export interface Sample {
  /** In labelNames order; empty for an unlabelled family. */
  labels: readonly string[];
  value: number;
}

export type SampleSource = () => readonly Sample[] | Promise<readonly Sample[]>;

export interface CallbackOptions extends MetricOptions {
  type: "counter" | "gauge";
}

export class CallbackFamily implements Collector {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly labelNames: readonly string[];
  private readonly sources = new Set<SampleSource>();

  constructor(options: CallbackOptions) {
    if (!validMetricName(options.name)) throw new RangeError(`invalid metric name ${options.name}`);
    for (const l of options.labelNames ?? []) {
      if (!validLabelName(l)) throw new RangeError(`invalid label name ${l} on ${options.name}`);
    }
    this.name = options.name;
    this.help = options.help;
    this.type = options.type;
    this.labelNames = options.labelNames ?? [];
  }

  /** Adds a source; returns the function that removes it again (the owner's stop). */
  add(source: SampleSource): () => void {
    this.sources.add(source);
    return () => {
      this.sources.delete(source);
    };
  }

  get size(): number {
    return this.sources.size;
  }

  async samples(out: string[]): Promise<void> {
    if (this.sources.size === 0) return;
    const sums = new Map<string, number>();
    const results = await Promise.all(
      [...this.sources].map(async (s) => {
        try {
          return await s();
        } catch {
          // A failing source (store closing) drops its series for this scrape; others still show.
          return [];
        }
      }),
    );
    for (const samples of results) {
      for (const s of samples) {
        if (s.labels.length !== this.labelNames.length) continue;
        const pairs = labelPairs(this.labelNames, s.labels);
        sums.set(pairs, (sums.get(pairs) ?? 0) + s.value);
      }
    }
    for (const [pairs, value] of sums) out.push(`${this.name}${braces(pairs)} ${formatValue(value)}`);
  }
}
