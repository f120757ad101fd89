// The metrics.k8s.io/v1beta1 API (what metrics-server provides): a collector scraping kubelets and
// the source/Store wrappers through which the generic handlers serve its objects.
import type { Registry } from "../../api/registry.ts";
import type { Store } from "../../storage/store.ts";
import type { ObjectSource } from "../rest/source.ts";
import { MetricsCollector } from "./collector.ts";
import { metricsSource, metricsStore } from "./overlay.ts";
import { KubeletScraper } from "./scraper.ts";

export { metricsResources } from "./resources.ts";

export interface MetricsApiOptions {
  registry: Registry;
  source: ObjectSource;
  store: Store;
  /** The API server's kubelet-client certificate (PEM). */
  kubeletClient: { cert: string; key: string };
  /** Scrape period (default 15 s). */
  resolutionMs?: number;
  onError?: (err: unknown, node: string) => void;
}

export interface MetricsApi {
  source: ObjectSource;
  store: Store;
  collector: MetricsCollector;
  start(): void;
  stop(): Promise<void>;
}

export function createMetricsApi(o: MetricsApiOptions): MetricsApi {
  const nodes = o.registry.resource("", "v1", "nodes");
  const pods = o.registry.resource("", "v1", "pods");
  if (!nodes || !pods) throw new Error("the metrics API needs the core nodes and pods resources");
  const resolutionMs = o.resolutionMs ?? 15_000;
  const scraper = new KubeletScraper({
    ...o.kubeletClient,
    // A scrape must end before the next round starts (metrics-server: 0.9 of the resolution, at most 10 s).
    timeoutMs: Math.min(10_000, Math.max(500, resolutionMs * 0.9)),
  });
  const collector = new MetricsCollector({
    source: o.source,
    nodes,
    pods,
    fetch: (target) => scraper.fetch(target),
    resolutionMs,
    ...(o.onError ? { onError: o.onError } : {}),
  });
  return {
    source: metricsSource(o.source, collector),
    store: metricsStore(o.store, collector),
    collector,
    start: () => collector.start(),
    stop: async () => {
      const stopped = collector.stop();
      // Destroying the connections ends a scrape in flight now rather than at its timeout.
      scraper.close();
      await stopped;
    },
  };
}
