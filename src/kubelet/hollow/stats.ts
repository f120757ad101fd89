// Synthetic stats of hollow nodes: each running container "uses" what usage.ts says, integrated into
// monotonic CPU counters, so the Summary and /metrics/resource of a hollow node look like a real
// node's to the metrics API (rates come out as the configured figures).
import type { Pod } from "kubernetes-types/core/v1.js";
import { rfc3339, type Summary } from "../stats/summary.ts";
import { type ContainerUsage, containerUsage, type UsageModelOptions } from "./usage.ts";

export interface HollowContainerView {
  id: string;
  name: string;
  /** Epoch ms. */
  startedAt: number;
}

export interface HollowPodView {
  pod: Pod;
  /** Epoch ms the sandbox was created. */
  createdAt: number;
  containers: HollowContainerView[];
}

export interface HollowStatsOptions extends UsageModelOptions {
  now?: () => number;
  /** What the node uses besides its pods (default 50m CPU, 256Mi). */
  nodeOverhead?: ContainerUsage;
  /** Node memory capacity in bytes, for availableBytes (default 16Gi). */
  memoryCapacityBytes?: number;
}

interface Counter {
  timeMs: number;
  valueNs: number;
}

export class HollowStats {
  /** Per node: CPU counters by container id (and "node"), replaced on every summary. */
  private readonly counters = new Map<string, Map<string, Counter>>();
  private readonly bootTime = Date.now();

  constructor(private readonly o: HollowStatsOptions = {}) {}

  /** Advances the counter at `rate` since its last reading (or since `since` on first sight). */
  private advance(
    prev: Map<string, Counter> | undefined,
    next: Map<string, Counter>,
    key: string,
    now: number,
    since: number,
    nanocores: number,
  ): number {
    const last = prev?.get(key) ?? { timeMs: Math.min(since, now), valueNs: 0 };
    const valueNs = last.valueNs + (nanocores * Math.max(0, now - last.timeMs)) / 1000;
    next.set(key, { timeMs: now, valueNs });
    return Math.round(valueNs);
  }

  summary(nodeName: string, pods: HollowPodView[]): Summary {
    const now = this.o.now?.() ?? Date.now();
    const time = rfc3339(now);
    const prev = this.counters.get(nodeName);
    const next = new Map<string, Counter>();
    const overhead = this.o.nodeOverhead ?? { nanocores: 50_000_000, memoryBytes: 256 * 1024 * 1024 };
    let nodeCores = overhead.nanocores;
    let nodeMemory = overhead.memoryBytes;
    const podStats: Summary["pods"] = pods.map(({ pod, createdAt, containers }) => {
      let podCores = 0;
      let podMemory = 0;
      let podCpuNs = 0;
      const specs = pod.spec?.containers ?? [];
      const out = containers.map((c) => {
        const usage = containerUsage(
          pod,
          specs.find((s) => s.name === c.name),
          this.o,
        );
        const cpuNs = this.advance(prev, next, c.id, now, c.startedAt, usage.nanocores);
        podCores += usage.nanocores;
        podMemory += usage.memoryBytes;
        podCpuNs += cpuNs;
        return {
          name: c.name,
          startTime: rfc3339(c.startedAt),
          cpu: { time, usageNanoCores: usage.nanocores, usageCoreNanoSeconds: cpuNs },
          memory: {
            time,
            usageBytes: usage.memoryBytes,
            workingSetBytes: usage.memoryBytes,
            rssBytes: usage.memoryBytes,
          },
        };
      });
      nodeCores += podCores;
      nodeMemory += podMemory;
      return {
        podRef: {
          name: pod.metadata?.name ?? "",
          namespace: pod.metadata?.namespace ?? "",
          uid: pod.metadata?.uid ?? "",
        },
        startTime: rfc3339(createdAt),
        containers: out,
        cpu: { time, usageNanoCores: podCores, usageCoreNanoSeconds: podCpuNs },
        memory: { time, usageBytes: podMemory, workingSetBytes: podMemory },
      };
    });
    const nodeCpuNs = this.advance(prev, next, "node", now, this.bootTime, nodeCores);
    this.counters.set(nodeName, next);
    const capacity = this.o.memoryCapacityBytes ?? 16 * 1024 ** 3;
    return {
      node: {
        nodeName,
        startTime: rfc3339(this.bootTime),
        cpu: { time, usageNanoCores: nodeCores, usageCoreNanoSeconds: nodeCpuNs },
        memory: {
          time,
          availableBytes: Math.max(0, capacity - nodeMemory),
          usageBytes: nodeMemory,
          workingSetBytes: nodeMemory,
        },
      },
      pods: podStats,
    };
  }

  /** Drops a node's counters (it stopped). */
  forget(nodeName: string): void {
    this.counters.delete(nodeName);
  }
}
