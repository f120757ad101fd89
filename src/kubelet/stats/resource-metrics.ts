// /metrics/resource: the Prometheus text the kubelet serves for metrics-server, built from a
// Summary with upstream's metric names and labels, each sample with its millisecond timestamp.
import type { CpuStats, MemoryStats, Summary } from "./summary.ts";

export const resourceMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge";
  samples: string[];
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labels(pairs: Record<string, string>): string {
  const inner = Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(",");
  return inner ? `{${inner}}` : "";
}

const ms = (time: string): number => Date.parse(time);

function cpuSample(name: string, l: Record<string, string>, cpu: CpuStats | undefined): string[] {
  return cpu?.usageCoreNanoSeconds === undefined
    ? []
    : [`${name}${labels(l)} ${cpu.usageCoreNanoSeconds / 1e9} ${ms(cpu.time)}`];
}

function memorySample(name: string, l: Record<string, string>, memory: MemoryStats | undefined): string[] {
  return memory?.workingSetBytes === undefined
    ? []
    : [`${name}${labels(l)} ${memory.workingSetBytes} ${ms(memory.time)}`];
}

export interface FormatOptions {
  /** Some figures could not be read (upstream's scrape_error/resource_scrape_error). Default false. */
  scrapeError?: boolean;
  /** Added to every sample (a hollow batch labels each node's samples with `node`). */
  labels?: Record<string, string>;
  /** HELP and TYPE lines (default true; a batch of several nodes leaves them out). */
  comments?: boolean;
}

export function formatResourceMetrics(summary: Summary, options: FormatOptions = {}): string {
  const scrapeError = options.scrapeError === true;
  const extra = options.labels ?? {};
  const families: Family[] = [
    {
      name: "container_cpu_usage_seconds_total",
      help: "[STABLE] Cumulative cpu time consumed by the container in core-seconds",
      type: "counter",
      samples: [],
    },
    {
      name: "container_memory_working_set_bytes",
      help: "[STABLE] Current working set of the container in bytes",
      type: "gauge",
      samples: [],
    },
    {
      name: "container_start_time_seconds",
      help: "[STABLE] Start time of the container since unix epoch in seconds",
      type: "gauge",
      samples: [],
    },
    {
      name: "node_cpu_usage_seconds_total",
      help: "[STABLE] Cumulative cpu time consumed by the node in core-seconds",
      type: "counter",
      samples: [],
    },
    {
      name: "node_memory_working_set_bytes",
      help: "[STABLE] Current working set of the node in bytes",
      type: "gauge",
      samples: [],
    },
    {
      name: "pod_cpu_usage_seconds_total",
      help: "[STABLE] Cumulative cpu time consumed by the pod in core-seconds",
      type: "counter",
      samples: [],
    },
    {
      name: "pod_memory_working_set_bytes",
      help: "[STABLE] Current working set of the pod in bytes",
      type: "gauge",
      samples: [],
    },
    {
      name: "resource_scrape_error",
      help: "[STABLE] 1 if there was an error while getting container metrics, 0 otherwise",
      type: "gauge",
      samples: [],
    },
    {
      name: "scrape_error",
      help: "[ALPHA] 1 if there was an error while getting container metrics, 0 otherwise",
      type: "gauge",
      samples: [],
    },
  ];
  const [cCpu, cMem, cStart, nCpu, nMem, pCpu, pMem, rErr, sErr] = families as [
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
  ];
  for (const pod of summary.pods) {
    const p = { namespace: pod.podRef.namespace, pod: pod.podRef.name, ...extra };
    for (const c of pod.containers) {
      const l = { container: c.name, ...p };
      cCpu.samples.push(...cpuSample(cCpu.name, l, c.cpu));
      cMem.samples.push(...memorySample(cMem.name, l, c.memory));
      const t = c.cpu?.time ?? c.memory?.time;
      if (t) cStart.samples.push(`${cStart.name}${labels(l)} ${ms(c.startTime) / 1000} ${ms(t)}`);
    }
    pCpu.samples.push(...cpuSample(pCpu.name, p, pod.cpu));
    pMem.samples.push(...memorySample(pMem.name, p, pod.memory));
  }
  nCpu.samples.push(...cpuSample(nCpu.name, extra, summary.node.cpu));
  nMem.samples.push(...memorySample(nMem.name, extra, summary.node.memory));
  rErr.samples.push(`${rErr.name}${labels(extra)} ${scrapeError ? 1 : 0}`);
  sErr.samples.push(`${sErr.name}${labels(extra)} ${scrapeError ? 1 : 0}`);
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    if (options.comments !== false) out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    out.push(...f.samples);
  }
  return `${out.join("\n")}\n`;
}
