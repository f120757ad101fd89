// Like metrics-server: every resolution period, scrape every Ready node's kubelet, keep the last
// two samples per node and turn them into NodeMetrics and PodMetrics (CPU as a rate between the
// samples). Objects are built on request from the latest usages, labels from the pod/node cache.
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { ObjectSource } from "../rest/source.ts";
import { parseResourceMetrics, parseResourceMetricsByNode, type ResourceSample } from "./prometheus.ts";
import { formatCpu, formatDuration, formatMemory, formatTime } from "./quantity.ts";
import { nodeUsage, type PodUsage, podUsages, type Usage } from "./rates.ts";
import { metricsGroup, metricsVersion } from "./resources.ts";
import { hollowBatchTarget, type KubeletTarget, resourceMetricsTarget } from "./scraper.ts";

export interface MetricsCollectorOptions {
  /** Nodes are listed and pods peeked here (the watch cache). */
  source: ObjectSource;
  nodes: ResourceDef;
  pods: ResourceDef;
  fetch: (target: KubeletTarget) => Promise<string>;
  /** Scrape period (metrics-server's --metric-resolution; default 15 s). */
  resolutionMs?: number;
  /** Kubelets scraped at once (default 32). */
  concurrency?: number;
  now?: () => number;
  onError?: (err: unknown, node: string) => void;
}

interface NodeState {
  samples: ResourceSample[];
  usage?: Usage;
  pods: PodUsage[];
  labels: Record<string, string> | undefined;
}

const apiVersion = `${metricsGroup}/${metricsVersion}`;

function isReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

export class MetricsCollector {
  private readonly state = new Map<string, NodeState>();
  /** `namespace/name` → the pod's usage (from whichever node reported it last). */
  private readonly podIndex = new Map<string, PodUsage>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: MetricsCollectorOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.scrapeOnce()
        .catch((err: unknown) => this.o.onError?.(err, ""))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.o.resolutionMs ?? 15_000);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round over every Ready node; nodes that are gone or not Ready are forgotten. */
  async scrapeOnce(): Promise<void> {
    const page = await this.o.source.list(this.o.nodes, {});
    const nodes = (page.items as Node[]).filter(isReady);
    const seen = new Set(nodes.map((n) => n.metadata?.name ?? ""));
    for (const name of [...this.state.keys()]) if (!seen.has(name)) this.forget(name);
    // Hollow nodes are fetched per sim listener, real ones one by one.
    const tasks: (() => Promise<void>)[] = [];
    const batches = new Map<string, { target: KubeletTarget; nodes: Node[] }>();
    for (const node of nodes) {
      const batch = hollowBatchTarget(node);
      if (!batch) {
        tasks.push(() => this.scrapeNode(node));
        continue;
      }
      const key = `${batch.host}:${batch.port}`;
      const entry = batches.get(key) ?? { target: batch, nodes: [] };
      entry.nodes.push(node);
      batches.set(key, entry);
    }
    for (const b of batches.values()) tasks.push(() => this.scrapeBatch(b.target, b.nodes));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < tasks.length && !this.stopped) await tasks[next++]?.();
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? 32, tasks.length) }, worker));
  }

  private forget(name: string): void {
    for (const p of this.state.get(name)?.pods ?? []) this.podIndex.delete(`${p.namespace}/${p.name}`);
    this.state.delete(name);
  }

  private async scrapeNode(node: Node): Promise<void> {
    const name = node.metadata?.name ?? "";
    const target = resourceMetricsTarget(node);
    if (!target) return;
    try {
      this.record(node, parseResourceMetrics(await this.o.fetch(target), this.now()));
    } catch (err) {
      this.o.onError?.(err, name);
    }
  }

  private async scrapeBatch(target: KubeletTarget, nodes: Node[]): Promise<void> {
    let byNode: Map<string, ResourceSample>;
    try {
      byNode = parseResourceMetricsByNode(await this.o.fetch(target), this.now());
    } catch (err) {
      for (const n of nodes) this.o.onError?.(err, n.metadata?.name ?? "");
      return;
    }
    for (const node of nodes) {
      const name = node.metadata?.name ?? "";
      const sample = byNode.get(name);
      if (sample) this.record(node, sample);
      else this.o.onError?.(new Error(`${target.host}:${target.port} has no figures for ${name}`), name);
    }
  }

  private record(node: Node, sample: ResourceSample): void {
    const name = node.metadata?.name ?? "";
    const state = this.state.get(name) ?? { samples: [], pods: [], labels: undefined };
    this.state.set(name, state);
    state.labels = node.metadata?.labels;
    state.samples = [...state.samples.slice(-1), sample];
    const [prev, cur] = state.samples;
    if (!prev || !cur) return;
    state.usage = nodeUsage(prev, cur);
    for (const p of state.pods) this.podIndex.delete(`${p.namespace}/${p.name}`);
    state.pods = podUsages(prev, cur);
    for (const p of state.pods) this.podIndex.set(`${p.namespace}/${p.name}`, p);
  }

  nodeMetrics(name: string): KubeObject | undefined {
    const s = this.state.get(name);
    return s?.usage ? this.nodeObject(name, s.usage, s.labels) : undefined;
  }

  listNodeMetrics(): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [name, s] of this.state) if (s.usage) out.push(this.nodeObject(name, s.usage, s.labels));
    return out.sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  }

  podMetrics(namespace: string, name: string): KubeObject | undefined {
    const p = this.podIndex.get(`${namespace}/${name}`);
    return p ? this.podObject(p) : undefined;
  }

  /** All pods, or one namespace's, sorted by namespace and name. */
  listPodMetrics(namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const p of this.podIndex.values())
      if (!namespace || p.namespace === namespace) out.push(this.podObject(p));
    return out.sort((a, b) =>
      `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(
        `${b.metadata?.namespace}/${b.metadata?.name}`,
      ),
    );
  }

  private nodeObject(name: string, u: Usage, labels: Record<string, string> | undefined): KubeObject {
    return {
      kind: "NodeMetrics",
      apiVersion,
      metadata: {
        name,
        creationTimestamp: formatTime(this.now()),
        ...(labels ? { labels: { ...labels } } : {}),
      },
      timestamp: formatTime(u.timestampMs),
      window: formatDuration(u.windowMs),
      usage: { cpu: formatCpu(u.nanocores), memory: formatMemory(u.memoryBytes) },
    };
  }

  private podObject(p: PodUsage): KubeObject {
    const pod = this.o.source.peek?.(this.o.pods, p.namespace, p.name) as Pod | undefined;
    const labels = pod?.metadata?.labels;
    return {
      kind: "PodMetrics",
      apiVersion,
      metadata: {
        name: p.name,
        namespace: p.namespace,
        creationTimestamp: formatTime(this.now()),
        ...(labels ? { labels: { ...labels } } : {}),
      },
      timestamp: formatTime(p.timestampMs),
      window: formatDuration(p.windowMs),
      containers: p.containers.map((c) => ({
        name: c.name,
        usage: { cpu: formatCpu(c.nanocores), memory: formatMemory(c.memoryBytes) },
      })),
    };
  }
}
