// Reads a cgroup's CPU and memory figures straight from cgroupfs, as cAdvisor does: cgroup v1
// (cpuacct.usage, memory.usage_in_bytes, memory.stat) or v2 (cpu.stat, memory.current, memory.stat).
// Working set = usage − inactive file pages, the figure the kubelet evicts on and `top` shows.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface CgroupStats {
  cpuUsageCoreNanoSeconds: number;
  memoryUsageBytes: number;
  memoryWorkingSetBytes: number;
  memoryRssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
}

/** `key value` lines (memory.stat, cpu.stat) into a map. */
export function parseKeyed(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split("\n")) {
    const space = line.indexOf(" ");
    if (space <= 0) continue;
    const v = Number(line.slice(space + 1));
    if (!Number.isNaN(v)) map.set(line.slice(0, space), v);
  }
  return map;
}

/** v1: hierarchical totals (total_*) cover the cgroup's children too, as usage_in_bytes does. */
export function memoryFromV1(
  usageBytes: number,
  stat: Map<string, number>,
): Omit<CgroupStats, "cpuUsageCoreNanoSeconds"> {
  const inactiveFile = stat.get("total_inactive_file") ?? stat.get("inactive_file") ?? 0;
  return {
    memoryUsageBytes: usageBytes,
    memoryWorkingSetBytes: Math.max(0, usageBytes - inactiveFile),
    memoryRssBytes: stat.get("total_rss") ?? stat.get("rss") ?? 0,
    pageFaults: stat.get("total_pgfault") ?? stat.get("pgfault") ?? 0,
    majorPageFaults: stat.get("total_pgmajfault") ?? stat.get("pgmajfault") ?? 0,
  };
}

export function memoryFromV2(
  currentBytes: number,
  stat: Map<string, number>,
): Omit<CgroupStats, "cpuUsageCoreNanoSeconds"> {
  return {
    memoryUsageBytes: currentBytes,
    memoryWorkingSetBytes: Math.max(0, currentBytes - (stat.get("inactive_file") ?? 0)),
    memoryRssBytes: (stat.get("anon") ?? 0) + (stat.get("file_mapped") ?? 0),
    pageFaults: stat.get("pgfault") ?? 0,
    majorPageFaults: stat.get("pgmajfault") ?? 0,
  };
}

// Synchronous on purpose: cgroupfs and procfs are in-memory files that never wait on a disk, and
// a sync read costs a fraction of the CPU of the thread-pool round trip (see bench/metrics.ts).
function text(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

export type CgroupLayout = "v1" | "v2";

/** v2 when the root holds cgroup.controllers (unified); the hybrid host here is v1 for cpu and memory. */
export function detectLayout(root = "/sys/fs/cgroup"): CgroupLayout {
  return text(join(root, "cgroup.controllers")) !== undefined ? "v2" : "v1";
}

/** A cgroup's figures, or undefined when it is gone (the container exited meanwhile). */
export function readCgroup(
  path: string,
  layout: CgroupLayout,
  root = "/sys/fs/cgroup",
): CgroupStats | undefined {
  const rel = path.replace(/^\/+/, "");
  if (layout === "v2") {
    const dir = join(root, rel);
    const [cpu, current, stat] = [
      text(join(dir, "cpu.stat")),
      text(join(dir, "memory.current")),
      text(join(dir, "memory.stat")),
    ];
    if (cpu === undefined || current === undefined) return undefined;
    return {
      cpuUsageCoreNanoSeconds: (parseKeyed(cpu).get("usage_usec") ?? 0) * 1000,
      ...memoryFromV2(Number(current.trim()) || 0, parseKeyed(stat ?? "")),
    };
  }
  const cpu = text(join(root, "cpuacct", rel, "cpuacct.usage"));
  const usage = text(join(root, "memory", rel, "memory.usage_in_bytes"));
  const stat = text(join(root, "memory", rel, "memory.stat"));
  if (cpu === undefined || usage === undefined) return undefined;
  return {
    cpuUsageCoreNanoSeconds: Number(cpu.trim()) || 0,
    ...memoryFromV1(Number(usage.trim()) || 0, parseKeyed(stat ?? "")),
  };
}

/** The first process of a cgroup (to find the pod's network namespace), or undefined. */
export function firstPid(path: string, layout: CgroupLayout, root = "/sys/fs/cgroup"): number | undefined {
  const rel = path.replace(/^\/+/, "");
  const procs = text(
    layout === "v2" ? join(root, rel, "cgroup.procs") : join(root, "memory", rel, "cgroup.procs"),
  );
  const first = procs?.split("\n").find((l) => l.trim() !== "");
  return first ? Number(first) : undefined;
}
