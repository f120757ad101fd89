// The kubelet server's stats endpoints: /stats/summary (Summary API JSON) and /metrics/resource
// (Prometheus text for metrics-server and Skiff's metrics API), both answered from one provider.
import type { ServerResponse } from "node:http";
import { formatResourceMetrics, resourceMetricsContentType } from "./resource-metrics.ts";
import type { StatsProvider, Summary } from "./summary.ts";

export type StatsRoute = (res: ServerResponse, query: URLSearchParams) => Promise<void>;

/** Upstream's `only_cpu_and_memory=true` (metrics-server before 0.6 asked for it): no network, fs or logs. */
function cpuAndMemoryOnly(s: Summary): Summary {
  return {
    node: {
      nodeName: s.node.nodeName,
      ...(s.node.startTime ? { startTime: s.node.startTime } : {}),
      ...(s.node.cpu ? { cpu: s.node.cpu } : {}),
      ...(s.node.memory ? { memory: s.node.memory } : {}),
    },
    pods: s.pods.map((p) => ({
      podRef: p.podRef,
      startTime: p.startTime,
      containers: p.containers.map(({ rootfs: _r, logs: _l, ...c }) => c),
      ...(p.cpu ? { cpu: p.cpu } : {}),
      ...(p.memory ? { memory: p.memory } : {}),
    })),
  };
}

export async function serveSummary(
  provider: StatsProvider,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const summary = await provider.summary();
  const body = JSON.stringify(
    query.get("only_cpu_and_memory") === "true" ? cpuAndMemoryOnly(summary) : summary,
  );
  res.writeHead(200, { "Content-Type": "application/json" }).end(body);
}

export async function serveResourceMetrics(provider: StatsProvider, res: ServerResponse): Promise<void> {
  let text: string;
  try {
    text = formatResourceMetrics(await provider.summary());
  } catch {
    // As upstream: the scrape still answers, with the error flag set and no samples.
    text = formatResourceMetrics({ node: { nodeName: "" }, pods: [] }, { scrapeError: true });
  }
  res.writeHead(200, { "Content-Type": resourceMetricsContentType }).end(text);
}

/** Routes by exact path for the kubelet server. */
export function statsRoutes(provider: StatsProvider): ReadonlyMap<string, StatsRoute> {
  return new Map<string, StatsRoute>([
    ["/stats/summary", (res, query) => serveSummary(provider, res, query)],
    ["/stats/summary/", (res, query) => serveSummary(provider, res, query)],
    ["/metrics/resource", (res) => serveResourceMetrics(provider, res)],
  ]);
}
