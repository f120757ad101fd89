// cgroup v1 (cgroupfs) for pods and containers: the pod cgroup in each controller hierarchy, its
// removal (leaves first), and the counters stats and OOM detection read. The host is v1 "hybrid":
// the cgroup2 mount at /sys/fs/cgroup/unified holds only hugetlb and is left alone.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rmdir } from "node:fs/promises";
import { join } from "node:path";

export const cgroupRoot = "/sys/fs/cgroup";

/** Controllers a pod cgroup is created in (runc creates the container's own leaves in all of them). */
export const podControllers = ["cpu", "cpuacct", "memory", "pids", "blkio", "freezer", "devices"] as const;

/**
 * Hierarchies a cgroup path may exist in (cpu and cpuacct are usually one mount, listed by both
 * names). runc also creates the container's path in the name=systemd hierarchy, so it is cleaned
 * too; the cgroup2 mount is handled apart (best effort) by removeCgroup.
 */
async function hierarchies(): Promise<string[]> {
  const names = await readdir(cgroupRoot);
  return names.filter((n) => n !== "unified" && !n.includes(","));
}

export function normalizeCgroupPath(path: string): string {
  const clean = `/${path.split("/").filter(Boolean).join("/")}`;
  if (clean.split("/").includes("..")) throw new Error(`cgroup path ${path} escapes the hierarchy`);
  return clean;
}

/** Creates the pod cgroup in each pod controller (cpuset is left to runc, which fills cpus/mems). */
export async function createCgroup(path: string): Promise<void> {
  const clean = normalizeCgroupPath(path);
  await Promise.all(podControllers.map((c) => mkdir(join(cgroupRoot, c, clean), { recursive: true })));
}

/** Removes the cgroup and every cgroup below it in all hierarchies (they must hold no process). Idempotent. */
export async function removeCgroup(path: string): Promise<void> {
  const clean = normalizeCgroupPath(path);
  if (clean === "/") throw new Error("refusing to remove the root cgroup");
  for (const h of await hierarchies()) await removeTree(join(cgroupRoot, h, clean));
  // runc also creates the path in the hybrid host's cgroup2 mount (it holds only hugetlb here);
  // removing it there is best effort, as nothing of ours is accounted in it.
  await removeTree(join(cgroupRoot, "unified", clean)).catch(() => {});
}

async function removeTree(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return;
  }
  for (const child of entries) await removeTree(join(dir, child));
  // A just-killed process can keep its cgroup busy for a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return;
      if (code !== "EBUSY" || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export function cgroupExists(path: string): boolean {
  return existsSync(join(cgroupRoot, "memory", normalizeCgroupPath(path)));
}

async function readNumber(file: string): Promise<number> {
  try {
    return Number((await readFile(file, "utf8")).trim()) || 0;
  } catch {
    return 0;
  }
}

async function readKeyed(file: string): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  try {
    for (const line of (await readFile(file, "utf8")).split("\n")) {
      const [k, v] = line.split(" ");
      if (k && v !== undefined) map.set(k, Number(v));
    }
  } catch {
    // A cgroup that is gone has no counters.
  }
  return map;
}

export interface CgroupUsage {
  cpuUsageCoreNanoSeconds: number;
  memoryUsageBytes: number;
  /** usage minus inactive file pages, as cAdvisor and the kubelet compute it. */
  memoryWorkingSetBytes: number;
}

export async function cgroupUsage(path: string): Promise<CgroupUsage> {
  const clean = normalizeCgroupPath(path);
  const [cpu, usage, stat] = await Promise.all([
    readNumber(join(cgroupRoot, "cpuacct", clean, "cpuacct.usage")),
    readNumber(join(cgroupRoot, "memory", clean, "memory.usage_in_bytes")),
    readKeyed(join(cgroupRoot, "memory", clean, "memory.stat")),
  ]);
  const inactive = stat.get("total_inactive_file") ?? 0;
  return {
    cpuUsageCoreNanoSeconds: cpu,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: Math.max(0, usage - inactive),
  };
}

/** How many processes the kernel OOM-killed in this memory cgroup (`oom_kill` of memory.oom_control). */
export async function oomKillCount(path: string): Promise<number> {
  const control = await readKeyed(
    join(cgroupRoot, "memory", normalizeCgroupPath(path), "memory.oom_control"),
  );
  return control.get("oom_kill") ?? 0;
}
