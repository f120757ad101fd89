// Node-pressure eviction (the kubelet's eviction manager, hard thresholds only): on each period it
// observes the host, and while a threshold is met it first reclaims node-level resources (unused
// images for disk) and then evicts one pod, ranked by rank.ts, with the kubelet's Evicted message.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { HostPressure } from "../node/host.ts";
import { podUidLabel } from "../pod/sandbox-config.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { evictable, type PodUsage, podRequest, rankForEviction } from "./rank.ts";
import { type EvictionThreshold, type ThresholdMet, thresholdsMet } from "./thresholds.ts";

export interface EvictionManagerOptions {
  thresholds: readonly EvictionThreshold[];
  observe: () => HostPressure;
  runtime: Runtime;
  /** Pods running on this node that are not finished. */
  activePods: () => Pod[];
  /** Kills the pod and reports it Failed/Evicted; false when it was already going. */
  evict: (pod: Pod, message: string) => boolean;
  /** Frees disk before evicting (image garbage collection). */
  reclaimDisk?: () => Promise<void>;
  /** Where the agent keeps pod dirs and logs (disk usage per pod). */
  dataDir: string;
}

function formatBytes(n: number): string {
  const ki = Math.round(n / 1024);
  return ki % 1024 === 0 && ki > 0 ? `${ki / 1024}Mi` : `${ki}Ki`;
}

function dirBytes(path: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const p = join(path, name);
    try {
      const s = statSync(p, { throwIfNoEntry: false });
      if (!s) continue;
      total += s.isDirectory() ? dirBytes(p) : s.size;
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

export class EvictionManager {
  constructor(private readonly o: EvictionManagerOptions) {}

  /** The thresholds met now (also what the node conditions report). */
  met(): ThresholdMet[] {
    return thresholdsMet(this.o.thresholds, this.o.observe());
  }

  /** One pass; returns the pod it evicted, if any. */
  async synchronize(): Promise<Pod | undefined> {
    let met = this.met();
    if (met.length === 0) return undefined;
    if (met.some((m) => m.resource === "disk") && this.o.reclaimDisk) {
      await this.o.reclaimDisk();
      met = this.met();
      if (met.length === 0) return undefined;
    }
    const first = met.find((m) => m.resource === "memory") ?? met[0];
    if (!first) return undefined;
    const resource = first.resource === "memory" ? "memory" : "ephemeral-storage";
    const candidates = this.o.activePods().filter(evictable);
    if (candidates.length === 0) return undefined;
    const usages = resource === "memory" ? await this.memoryUsage(candidates) : this.diskUsage(candidates);
    for (const u of rankForEviction(usages, resource)) {
      if (this.o.evict(u.pod, this.message(first, u, resource))) return u.pod;
    }
    return undefined;
  }

  private message(m: ThresholdMet, u: PodUsage, resource: "memory" | "ephemeral-storage"): string {
    const name =
      m.resource === "memory"
        ? "memory"
        : m.threshold.signal.startsWith("nodefs.inodes")
          ? "inodes"
          : "ephemeral-storage";
    const available = m.threshold.signal.endsWith("inodesFree")
      ? String(m.available)
      : formatBytes(m.available);
    return (
      `The node was low on resource: ${name}. Threshold quantity: ${m.threshold.text}, available: ${available}. ` +
      `Pod ${u.pod.metadata?.name} was using ${formatBytes(u.usage)}, request is ${formatBytes(podRequest(u.pod, resource))}, has larger consumption of ${resource}. `
    );
  }

  private async memoryUsage(pods: Pod[]): Promise<PodUsage[]> {
    const uidBySandbox = new Map<string, string>();
    for (const s of await this.o.runtime.listPodSandboxes()) {
      uidBySandbox.set(s.id, s.labels[podUidLabel] ?? s.metadata.uid);
    }
    const byUid = new Map<string, number>();
    for (const st of await this.o.runtime.listContainerStats()) {
      const uid = uidBySandbox.get(st.podSandboxId);
      if (uid) byUid.set(uid, (byUid.get(uid) ?? 0) + st.memoryWorkingSetBytes);
    }
    return pods.map((pod) => ({ pod, usage: byUid.get(pod.metadata?.uid ?? "") ?? 0 }));
  }

  private diskUsage(pods: Pod[]): PodUsage[] {
    return pods.map((pod) => {
      const m = pod.metadata ?? {};
      const usage =
        dirBytes(join(this.o.dataDir, "pods", m.uid ?? "-")) +
        dirBytes(join(this.o.dataDir, "pods-logs", `${m.namespace}_${m.name}_${m.uid}`));
      return { pod, usage };
    });
  }
}
