// Node-wide figures from procfs: CPU time from /proc/stat, memory from /proc/meminfo, and a
// network namespace's interface counters from /proc/<pid>/net/dev.
import { readFileSync } from "node:fs";

/** USER_HZ: the unit of /proc/stat (100 on every Linux architecture Node.js runs on). */
const userHz = 100;

/** Busy CPU time of all cores in nanoseconds: user+nice+system+irq+softirq+steal (no idle, iowait; guest is inside user). */
export function parseProcStatCpu(text: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return ((user + nice + system + irq + softirq + steal) * 1e9) / userHz;
}

export interface NodeMemory {
  capacityBytes: number;
  availableBytes: number;
  usageBytes: number;
  workingSetBytes: number;
}

/** usage = total − free; working set = usage − inactive file (the root cgroup's figures, as cAdvisor reports). */
export function parseMeminfo(text: string): NodeMemory | undefined {
  const kb = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([^:]+):\s+(\d+)/.exec(line);
    if (m?.[1] && m[2]) kb.set(m[1], Number(m[2]) * 1024);
  }
  const total = kb.get("MemTotal");
  const free = kb.get("MemFree");
  if (total === undefined || free === undefined) return undefined;
  const usage = total - free;
  return {
    capacityBytes: total,
    availableBytes: kb.get("MemAvailable") ?? free,
    usageBytes: usage,
    workingSetBytes: Math.max(0, usage - (kb.get("Inactive(file)") ?? 0)),
  };
}

export interface InterfaceStats {
  name: string;
  rxBytes: number;
  rxErrors: number;
  txBytes: number;
  txErrors: number;
}

export function parseNetDev(text: string): InterfaceStats[] {
  const out: InterfaceStats[] = [];
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    out.push({
      name: line.slice(0, colon).trim(),
      rxBytes: f[0] ?? 0,
      rxErrors: f[2] ?? 0,
      txBytes: f[8] ?? 0,
      txErrors: f[10] ?? 0,
    });
  }
  return out;
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

export function readNodeCpu(proc = "/proc"): number | undefined {
  const t = text(`${proc}/stat`);
  return t === undefined ? undefined : parseProcStatCpu(t);
}

export function readNodeMemory(proc = "/proc"): NodeMemory | undefined {
  const t = text(`${proc}/meminfo`);
  return t === undefined ? undefined : parseMeminfo(t);
}

/** Interfaces of the network namespace `pid` lives in, loopback left out. */
export function readNetDev(pid: number | "self", proc = "/proc"): InterfaceStats[] {
  const t = text(`${proc}/${pid}/net/dev`);
  return t === undefined ? [] : parseNetDev(t).filter((i) => i.name !== "lo");
}
