// The kubelet's own Prometheus series for hollow nodes, served by the sim's stats listener:
// /nodes/<name>/metrics per node (what a real agent's /metrics has, without a node label) and
// /metrics with every node's series labelled `node`. Figures come from the node's Summary.
import type { ServerResponse } from "node:http";
import {
  contentType,
  HistogramChild,
  type HistogramVec,
  kubeletPodStartBuckets,
  Registry,
} from "../../metrics/index.ts";
import type { StatsProvider, Summary } from "../stats/summary.ts";

export interface HollowMetricsSource {
  providerFor(nodeName: string): StatsProvider | undefined;
  nodeNames(): string[];
}

// Pods already observed into the start histogram, per node; beyond this many the oldest go.
const maxTracked = 10_000;

interface NodeState {
  podStart: HistogramChild;
  started: Set<string>;
}

const parse = (t: string | undefined): number => (t ? Date.parse(t) : Number.NaN);

/**
 * Per node: pods seen running for the first time go into the start-duration histogram. A hollow
 * node runs no kubelet sync loop to time, so the duration is what its runtime recorded: sandbox
 * created to the last container started (upstream: the kubelet first seeing the pod to Running).
 */
export class HollowKubeletMetrics {
  private readonly nodes = new Map<string, NodeState>();

  constructor(private readonly source: HollowMetricsSource) {}

  private observe(name: string, summary: Summary): NodeState {
    let state = this.nodes.get(name);
    if (!state) {
      state = { podStart: new HistogramChild(kubeletPodStartBuckets), started: new Set() };
      this.nodes.set(name, state);
    }
    for (const pod of summary.pods) {
      const uid = pod.podRef.uid;
      if (state.started.has(uid) || pod.containers.length === 0) continue;
      const last = Math.max(...pod.containers.map((c) => parse(c.startTime)));
      const seconds = (last - parse(pod.startTime)) / 1000;
      if (!Number.isFinite(seconds)) continue;
      state.podStart.observe(Math.max(0, seconds));
      state.started.add(uid);
      if (state.started.size > maxTracked) {
        const oldest = state.started.values().next().value;
        if (oldest !== undefined) state.started.delete(oldest);
      }
    }
    return state;
  }

  /** Exposition text of `names` (labelled `node` when `labelled`); unknown names are skipped. */
  async expose(names: string[], labelled: boolean): Promise<string> {
    const registry = new Registry();
    const labelNames = labelled ? ["node"] : [];
    const nodeName = registry.gaugeVec({
      name: "kubelet_node_name",
      help: "The node's name. The count is always 1.",
      labelNames: ["node"],
    });
    const runningPods = registry.gaugeVec({
      name: "kubelet_running_pods",
      help: "Number of pods that have a running pod sandbox",
      labelNames,
    });
    const runningContainers = registry.gaugeVec({
      name: "kubelet_running_containers",
      help: "Number of containers currently running",
      labelNames: [...labelNames, "container_state"],
    });
    const podStart: HistogramVec = registry.histogramVec({
      name: "kubelet_pod_start_duration_seconds",
      help: "Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run",
      buckets: kubeletPodStartBuckets,
      labelNames,
    });
    for (const name of names) {
      const provider = this.source.providerFor(name);
      if (!provider) continue;
      const summary = await provider.summary();
      const state = this.observe(name, summary);
      const own = labelled ? [name] : [];
      nodeName.labels(name).set(1);
      runningPods.labels(...own).set(summary.pods.length);
      runningContainers
        .labels(...own, "running")
        .set(summary.pods.reduce((n, p) => n + p.containers.length, 0));
      const h = podStart.labels(...own);
      h.counts.set(state.podStart.counts);
      h.sum = state.podStart.sum;
      h.count = state.podStart.count;
    }
    return registry.expose();
  }

  /** Serves /metrics and /nodes/<name>/metrics; false for any other path. */
  async serve(pathname: string, res: ServerResponse): Promise<boolean> {
    let names: string[];
    let labelled = false;
    const m = /^\/nodes\/([^/]+)\/metrics\/?$/.exec(pathname);
    if (m?.[1]) {
      const name = decodeURIComponent(m[1]);
      if (!this.source.providerFor(name)) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end(`no hollow node ${name} here\n`);
        return true;
      }
      names = [name];
    } else if (pathname === "/metrics") {
      names = this.source.nodeNames();
      labelled = true;
      // Nodes that stopped since the last batch are forgotten.
      const live = new Set(names);
      for (const n of this.nodes.keys()) if (!live.has(n)) this.nodes.delete(n);
    } else return false;
    const body = await this.expose(names, labelled);
    res.writeHead(200, { "Content-Type": contentType }).end(body);
    return true;
  }
}

const bySource = new WeakMap<HollowMetricsSource, HollowKubeletMetrics>();

/** `HollowKubeletMetrics.serve` with one instance per source (a stats server's options). */
export function serveHollowMetrics(
  source: HollowMetricsSource,
  pathname: string,
  res: ServerResponse,
): Promise<boolean> {
  let metrics = bySource.get(source);
  if (!metrics) {
    metrics = new HollowKubeletMetrics(source);
    bySource.set(source, metrics);
  }
  return metrics.serve(pathname, res);
}
