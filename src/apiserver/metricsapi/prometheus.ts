// Parses the kubelet's /metrics/resource (Prometheus text format 0.0.4) into node and container
// samples: cumulative CPU seconds and working-set bytes, each with its millisecond timestamp.

export interface Point {
  value: number;
  /** Epoch milliseconds of the sample (the kubelet's timestamp, else the scrape time). */
  timestampMs: number;
}

export interface ContainerSample {
  namespace: string;
  pod: string;
  container: string;
  cpu?: Point;
  memory?: Point;
  /** container_start_time_seconds: a change means the container restarted (counters reset). */
  startTime?: number;
}

export interface ResourceSample {
  nodeCpu?: Point;
  nodeMemory?: Point;
  /** Keyed `namespace/pod/container`. */
  containers: Map<string, ContainerSample>;
  /** scrape_error: 1 when the kubelet failed to gather some figures. */
  scrapeError: boolean;
}

interface Line {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
}

/** One sample line, or undefined for comments, blanks and lines it cannot read. */
export function parseLine(line: string): Line | undefined {
  const text = line.trim();
  if (text === "" || text.startsWith("#")) return undefined;
  const brace = text.indexOf("{");
  const space = text.indexOf(" ");
  let name: string;
  const labels: Record<string, string> = {};
  let rest: string;
  if (brace >= 0 && (space < 0 || brace < space)) {
    name = text.slice(0, brace);
    let i = brace + 1;
    for (;;) {
      while (text[i] === " " || text[i] === ",") i++;
      if (text[i] === "}") break;
      const eq = text.indexOf("=", i);
      if (eq < 0 || text[eq + 1] !== '"') return undefined;
      const key = text.slice(i, eq).trim();
      let j = eq + 2;
      let raw = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\") {
          raw += text.slice(j, j + 2);
          j += 2;
        } else raw += text[j++];
      }
      if (j >= text.length) return undefined;
      labels[key] = unescapeLabel(raw);
      i = j + 1;
    }
    rest = text.slice(i + 1).trim();
  } else {
    if (space < 0) return undefined;
    name = text.slice(0, space);
    rest = text.slice(space + 1).trim();
  }
  const [valueText, tsText] = rest.split(/\s+/);
  const value = valueText === undefined ? Number.NaN : Number(valueText);
  if (Number.isNaN(value)) return undefined;
  const timestampMs = tsText !== undefined ? Number(tsText) : undefined;
  return {
    name,
    labels,
    value,
    ...(timestampMs !== undefined && Number.isFinite(timestampMs) ? { timestampMs } : {}),
  };
}

const emptySample = (): ResourceSample => ({ containers: new Map(), scrapeError: false });

function addLine(sample: ResourceSample, line: Line, scrapedAt: number): void {
  const point = { value: line.value, timestampMs: line.timestampMs ?? scrapedAt };
  switch (line.name) {
    case "node_cpu_usage_seconds_total":
      sample.nodeCpu = point;
      break;
    case "node_memory_working_set_bytes":
      sample.nodeMemory = point;
      break;
    case "scrape_error":
      sample.scrapeError = line.value !== 0;
      break;
    case "container_cpu_usage_seconds_total":
    case "container_memory_working_set_bytes":
    case "container_start_time_seconds": {
      const { namespace = "", pod = "", container = "" } = line.labels;
      if (!namespace || !pod || !container) break;
      const key = `${namespace}/${pod}/${container}`;
      let c = sample.containers.get(key);
      if (!c) {
        c = { namespace, pod, container };
        sample.containers.set(key, c);
      }
      if (line.name === "container_cpu_usage_seconds_total") c.cpu = point;
      else if (line.name === "container_memory_working_set_bytes") c.memory = point;
      else c.startTime = line.value;
      break;
    }
  }
}

/** The resource metrics of one scrape; `scrapedAt` stands in for missing timestamps. */
export function parseResourceMetrics(text: string, scrapedAt: number): ResourceSample {
  const sample = emptySample();
  for (const raw of text.split("\n")) {
    const line = parseLine(raw);
    if (line) addLine(sample, line, scrapedAt);
  }
  return sample;
}

/**
 * Several nodes' resource metrics in one text, told apart by a `node` label on every sample (the
 * batch a `skiff sim` stats listener serves for all its hollow nodes); unlabelled lines are skipped.
 */
export function parseResourceMetricsByNode(text: string, scrapedAt: number): Map<string, ResourceSample> {
  const byNode = new Map<string, ResourceSample>();
  for (const raw of text.split("\n")) {
    const line = parseLine(raw);
    const node = line?.labels.node;
    if (!line || !node) continue;
    let sample = byNode.get(node);
    if (!sample) {
      sample = emptySample();
      byNode.set(node, sample);
    }
    addLine(sample, line, scrapedAt);
  }
  return byNode;
}
