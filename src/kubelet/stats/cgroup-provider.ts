// Stats of a real node: every running container and pod read from its cgroup (the pod cgroup the
// kubelet created, the container's below it, named by container id as runc and containerd place
// them), the pod's network from its namespace, the node from procfs and statfs.
import { statfsSync, statSync } from "node:fs";
import { uptime } from "node:os";
import type { Pod } from "kubernetes-types/core/v1.js";
import { podCgroupParent } from "../pod/sandbox-config.ts";
import type { ContainerStatus, Runtime } from "../runtime/runtime.ts";
import { type CgroupLayout, type CgroupStats, detectLayout, firstPid, readCgroup } from "./cgroup.ts";
import { type InterfaceStats, readNetDev, readNodeCpu, readNodeMemory } from "./proc.ts";
import { CpuRateCache } from "./rate-cache.ts";
import {
  type ContainerStatsSummary,
  type CpuStats,
  type FsStats,
  type MemoryStats,
  type NetworkStats,
  type PodStatsSummary,
  rfc3339,
  type StatsProvider,
  type Summary,
} from "./summary.ts";

export interface CgroupStatsOptions {
  nodeName: string;
  /** Only the listings are used: which sandboxes and containers run. */
  runtime: Pick<Runtime, "listContainers" | "listPodSandboxes">;
  /** The pods this kubelet runs (its informer cache). */
  pods: () => Pod[];
  /** Root of the pod cgroups, as given to the kubelet (default /skiff/kubepods). */
  cgroupRoot?: string;
  /** Default /sys/fs/cgroup. */
  cgroupfs?: string;
  /** Default /proc. */
  proc?: string;
  /** A path on the filesystem holding the node's data (node fs figures; default /). */
  dataDir?: string;
  now?: () => number;
}

function cpu(time: string, stats: CgroupStats, nanocores: number | undefined): CpuStats {
  return {
    time,
    ...(nanocores !== undefined ? { usageNanoCores: Math.round(nanocores) } : {}),
    usageCoreNanoSeconds: stats.cpuUsageCoreNanoSeconds,
  };
}

function memory(time: string, s: CgroupStats): MemoryStats {
  return {
    time,
    usageBytes: s.memoryUsageBytes,
    workingSetBytes: s.memoryWorkingSetBytes,
    rssBytes: s.memoryRssBytes,
    pageFaults: s.pageFaults,
    majorPageFaults: s.majorPageFaults,
  };
}

export function networkStats(time: string, interfaces: InterfaceStats[]): NetworkStats | undefined {
  const main = interfaces.find((i) => i.name === "eth0") ?? interfaces[0];
  if (!main) return undefined;
  return { time, ...main, interfaces };
}

function fileBytes(path: string | undefined): number | undefined {
  if (!path) return undefined;
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

export class CgroupStatsProvider implements StatsProvider {
  private readonly rates = new CpuRateCache();
  private readonly layout: CgroupLayout;
  private readonly startTime: string;

  constructor(private readonly o: CgroupStatsOptions) {
    this.layout = detectLayout(o.cgroupfs);
    this.startTime = rfc3339(Date.now() - uptime() * 1000);
  }

  async summary(): Promise<Summary> {
    const o = this.o;
    const [containers, sandboxes] = await Promise.all([
      o.runtime.listContainers({ state: "CONTAINER_RUNNING" }),
      o.runtime.listPodSandboxes({ state: "SANDBOX_READY" }),
    ]);
    const now = o.now?.() ?? Date.now();
    const time = rfc3339(now);
    const byUid = new Map<string, Pod>();
    for (const p of o.pods()) if (p.metadata?.uid) byUid.set(p.metadata.uid, p);
    const bySandbox = new Map<string, ContainerStatus[]>();
    for (const c of containers) {
      const list = bySandbox.get(c.podSandboxId) ?? [];
      list.push(c);
      bySandbox.set(c.podSandboxId, list);
    }
    const pods: PodStatsSummary[] = [];
    for (const sandbox of sandboxes) {
      const pod = byUid.get(sandbox.metadata.uid);
      if (!pod) continue;
      pods.push(
        this.podStats(pod, sandbox.id, sandbox.createdAt, bySandbox.get(sandbox.id) ?? [], now, time),
      );
    }
    const summary: Summary = { node: this.nodeStats(now, time), pods };
    this.rates.sweep();
    return summary;
  }

  private podStats(
    pod: Pod,
    sandboxId: string,
    createdAt: number,
    containers: ContainerStatus[],
    now: number,
    time: string,
  ): PodStatsSummary {
    const uid = pod.metadata?.uid ?? "";
    const podCgroup = podCgroupParent(pod, this.o.cgroupRoot);
    const out: ContainerStatsSummary[] = [];
    for (const c of containers) {
      const s = readCgroup(`${podCgroup}/${c.id}`, this.layout, this.o.cgroupfs);
      const logs = fileBytes(c.logPath);
      out.push({
        name: c.metadata.name,
        startTime: rfc3339(c.startedAt || c.createdAt),
        ...(s
          ? {
              cpu: cpu(time, s, this.rates.rate(`c/${c.id}`, now, s.cpuUsageCoreNanoSeconds)),
              memory: memory(time, s),
            }
          : {}),
        ...(logs !== undefined ? { logs: { time, usedBytes: logs } } : {}),
      });
    }
    const podCg = readCgroup(podCgroup, this.layout, this.o.cgroupfs);
    let network: NetworkStats | undefined;
    if (!pod.spec?.hostNetwork) {
      // Any process of the pod sits in its network namespace: the sandbox's, else a container's.
      const pid = [sandboxId, ...containers.map((c) => c.id)]
        .map((id) => firstPid(`${podCgroup}/${id}`, this.layout, this.o.cgroupfs))
        .find((p) => p !== undefined);
      if (pid !== undefined) network = networkStats(time, readNetDev(pid, this.o.proc));
    }
    return {
      podRef: { name: pod.metadata?.name ?? "", namespace: pod.metadata?.namespace ?? "", uid },
      startTime: rfc3339(createdAt),
      containers: out,
      ...(podCg
        ? {
            cpu: cpu(time, podCg, this.rates.rate(`p/${uid}`, now, podCg.cpuUsageCoreNanoSeconds)),
            memory: memory(time, podCg),
          }
        : {}),
      ...(network ? { network } : {}),
    };
  }

  private nodeStats(now: number, time: string): Summary["node"] {
    const cpuNs = readNodeCpu(this.o.proc);
    const mem = readNodeMemory(this.o.proc);
    const net = networkStats(time, readNetDev("self", this.o.proc));
    let fs: FsStats | undefined;
    try {
      const s = statfsSync(this.o.dataDir ?? "/");
      fs = {
        time,
        availableBytes: s.bavail * s.bsize,
        capacityBytes: s.blocks * s.bsize,
        usedBytes: (s.blocks - s.bfree) * s.bsize,
        inodesFree: s.ffree,
        inodes: s.files,
        inodesUsed: s.files - s.ffree,
      };
    } catch {
      fs = undefined;
    }
    const nanocores = cpuNs !== undefined ? this.rates.rate("node", now, cpuNs) : undefined;
    return {
      nodeName: this.o.nodeName,
      startTime: this.startTime,
      ...(cpuNs !== undefined
        ? {
            cpu: {
              time,
              ...(nanocores !== undefined ? { usageNanoCores: Math.round(nanocores) } : {}),
              usageCoreNanoSeconds: cpuNs,
            },
          }
        : {}),
      ...(mem
        ? {
            memory: {
              time,
              availableBytes: mem.availableBytes,
              usageBytes: mem.usageBytes,
              workingSetBytes: mem.workingSetBytes,
            },
          }
        : {}),
      ...(net ? { network: net } : {}),
      ...(fs ? { fs } : {}),
    };
  }
}
