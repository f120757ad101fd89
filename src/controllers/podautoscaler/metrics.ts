// Resource metrics of pods for the autoscaler: the interface the replica calculator reads, and its
// implementation over the metrics.k8s.io/v1beta1 PodMetrics list (like upstream's resource metrics
// client): usage summed over a pod's containers, in milli-units.
import { Quantity } from "../../api/quantity.ts";
import type { RestClient } from "../../client/rest.ts";

export interface PodMetric {
  /** Usage in milli-units (millicores for cpu, millibytes for memory), as upstream's MilliValue. */
  value: number;
  timestamp: Date;
  /** The window the usage was measured over. */
  windowMs: number;
}

/** Usage by pod name. */
export type PodMetricsInfo = Map<string, PodMetric>;

export interface ResourceMetricsQuery {
  resource: string;
  namespace: string;
  /** A label selector in its string form (the target's `status.selector`). */
  selector: string;
  /** Only this container's usage (ContainerResource metrics); default every container. */
  container?: string;
}

export interface ResourceMetricsClient {
  /** Throws an Error whose message is what upstream puts into events and conditions. */
  getResourceMetric(q: ResourceMetricsQuery): Promise<{ metrics: PodMetricsInfo; timestamp: Date }>;
}

interface PodMetricsItem {
  metadata?: { name?: string };
  timestamp?: string;
  window?: string;
  containers?: { name: string; usage?: Record<string, string> }[];
}

const unitMs: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

/** A Go duration string ("15s", "1m0s", "10.5s") in milliseconds; 0 when unreadable. */
export function parseGoDuration(text: string | undefined): number {
  if (!text) return 0;
  let ms = 0;
  const re = /([0-9]*\.?[0-9]+)(h|ms|us|\u00b5s|ns|m|s)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) ms += Number(m[1]) * (unitMs[m[2] ?? ""] ?? 0);
  return ms;
}

/** Sums one pod's usage of `resource`; undefined when a container lacks it (upstream skips such pods). */
function podUsage(item: PodMetricsItem, resource: string, container: string | undefined): number | undefined {
  let sum = 0;
  let seen = false;
  for (const c of item.containers ?? []) {
    if (container !== undefined && c.name !== container) continue;
    const text = c.usage?.[resource];
    const q = text === undefined ? undefined : Quantity.tryParse(text);
    if (!q) return undefined;
    sum += Number(q.milliValue());
    seen = true;
  }
  return seen ? sum : undefined;
}

/** Turns a PodMetrics list into usage by pod; exported for tests. */
export function podMetricsInfo(
  items: readonly PodMetricsItem[],
  q: Pick<ResourceMetricsQuery, "resource" | "container">,
): { metrics: PodMetricsInfo; timestamp: Date } {
  if (items.length === 0) throw new Error("no metrics returned from resource metrics API");
  const metrics: PodMetricsInfo = new Map();
  for (const item of items) {
    const name = item.metadata?.name;
    const value = podUsage(item, q.resource, q.container);
    if (!name || value === undefined) continue;
    metrics.set(name, {
      value,
      timestamp: new Date(item.timestamp ?? 0),
      windowMs: parseGoDuration(item.window),
    });
  }
  return { metrics, timestamp: new Date(items[0]?.timestamp ?? 0) };
}

/** Reads metrics.k8s.io/v1beta1 PodMetrics through the REST client. */
export class RestResourceMetricsClient implements ResourceMetricsClient {
  constructor(private readonly client: RestClient) {}

  async getResourceMetric(q: ResourceMetricsQuery): Promise<{ metrics: PodMetricsInfo; timestamp: Date }> {
    const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(q.namespace)}/pods?labelSelector=${encodeURIComponent(q.selector)}`;
    let items: PodMetricsItem[];
    try {
      const list = await this.client.request<{ items?: PodMetricsItem[] }>("GET", path);
      items = list.items ?? [];
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(`unable to fetch metrics from resource metrics API: ${why}`);
    }
    return podMetricsInfo(items, q);
  }
}
