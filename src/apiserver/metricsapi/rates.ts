// Usage from two scrapes of one kubelet, as metrics-server computes it: CPU is the rate of the
// cumulative counter between the samples' timestamps, memory the latest working set. A pod is
// reported only when every container it had in the latest scrape has a rate.
import type { Point, ResourceSample } from "./prometheus.ts";

export interface Usage {
  nanocores: number;
  memoryBytes: number;
  /** Epoch ms of the later sample. */
  timestampMs: number;
  /** Between the two samples, ms. */
  windowMs: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  timestampMs: number;
  windowMs: number;
  containers: { name: string; nanocores: number; memoryBytes: number }[];
}

function rate(
  prev: Point | undefined,
  cur: Point | undefined,
): { nanocores: number; windowMs: number } | undefined {
  if (!prev || !cur) return undefined;
  const windowMs = cur.timestampMs - prev.timestampMs;
  // Same sample twice, clock going back, or a counter reset: no rate this time.
  if (windowMs <= 0 || cur.value < prev.value) return undefined;
  return { nanocores: ((cur.value - prev.value) * 1e12) / windowMs, windowMs };
}

export function nodeUsage(prev: ResourceSample, cur: ResourceSample): Usage | undefined {
  const r = rate(prev.nodeCpu, cur.nodeCpu);
  if (!r || !cur.nodeCpu || !cur.nodeMemory) return undefined;
  return {
    nanocores: r.nanocores,
    memoryBytes: cur.nodeMemory.value,
    timestampMs: cur.nodeCpu.timestampMs,
    windowMs: r.windowMs,
  };
}

export function podUsages(prev: ResourceSample, cur: ResourceSample): PodUsage[] {
  const pods = new Map<string, PodUsage | null>();
  for (const [key, c] of cur.containers) {
    const podKey = `${c.namespace}/${c.pod}`;
    const existing = pods.get(podKey);
    if (existing === null) continue;
    const before = prev.containers.get(key);
    const restarted =
      before?.startTime !== undefined && c.startTime !== undefined && before.startTime !== c.startTime;
    const r = restarted ? undefined : rate(before?.cpu, c.cpu);
    if (!r || !c.cpu || !c.memory) {
      pods.set(podKey, null);
      continue;
    }
    const entry = { name: c.container, nanocores: r.nanocores, memoryBytes: c.memory.value };
    if (existing) {
      existing.containers.push(entry);
      existing.timestampMs = Math.max(existing.timestampMs, c.cpu.timestampMs);
    } else {
      pods.set(podKey, {
        namespace: c.namespace,
        name: c.pod,
        timestampMs: c.cpu.timestampMs,
        windowMs: r.windowMs,
        containers: [entry],
      });
    }
  }
  const out: PodUsage[] = [];
  for (const p of pods.values()) if (p) out.push(p);
  for (const p of out) p.containers.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}
