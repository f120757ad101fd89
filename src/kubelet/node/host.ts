// Facts about the machine a real agent runs on: capacity (CPUs, memory from /proc/meminfo,
// ephemeral storage from statfs of the data dir), addresses, and nodeInfo (kernel, OS image,
// machine and boot ids). Every read tolerates a missing file: containers and VMs vary.
import { readFileSync, statfsSync } from "node:fs";
import { cpus, hostname, networkInterfaces, release } from "node:os";

export interface HostCapacity {
  cpu: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  pods: number;
}

export interface HostInfo {
  hostname: string;
  internalIP: string;
  kernelVersion: string;
  osImage: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** A /proc/meminfo field in bytes (the file says kB, which means KiB). */
export function meminfoBytes(text: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s*kB`, "m").exec(text);
  return m?.[1] ? Number(m[1]) * 1024 : undefined;
}

/** PRETTY_NAME of /etc/os-release, unquoted (what `kubectl get nodes -o wide` shows as OS-IMAGE). */
export function osImageOf(osRelease: string | undefined): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(osRelease ?? "");
  if (!m?.[1]) return "Linux";
  return m[1].trim().replace(/^(["'])(.*)\1$/, "$2");
}

export function hostCapacity(dataDir: string, pods = 110): HostCapacity {
  const meminfo = read("/proc/meminfo") ?? "";
  let ephemeralStorageBytes = 0;
  try {
    const fs = statfsSync(dataDir);
    ephemeralStorageBytes = fs.blocks * fs.bsize;
  } catch {
    // No data dir yet or no statfs: report 0 rather than guess.
  }
  return {
    cpu: Math.max(1, cpus().length),
    memoryBytes: meminfoBytes(meminfo, "MemTotal") ?? 0,
    ephemeralStorageBytes,
    pods,
  };
}

/** The first non-internal IPv4 address (kubelet picks the address of the default route's interface). */
export function defaultInternalIP(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

const uuidShape = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

export function hostInfo(options: { nodeIP?: string } = {}): HostInfo {
  const machineID = (read("/etc/machine-id") ?? read("/var/lib/dbus/machine-id") ?? "").trim();
  const productUuid = (read("/sys/class/dmi/id/product_uuid") ?? "").trim();
  return {
    hostname: hostname(),
    internalIP: options.nodeIP ?? defaultInternalIP(),
    kernelVersion: release(),
    osImage: osImageOf(read("/etc/os-release")),
    machineID,
    systemUUID: productUuid || (machineID.length >= 32 ? uuidShape(machineID) : ""),
    bootID: (read("/proc/sys/kernel/random/boot_id") ?? "").trim(),
  };
}

export interface HostPressure {
  memoryAvailableBytes: number;
  /** MemTotal (percent thresholds on memory.available). */
  memoryCapacityBytes?: number;
  diskAvailableBytes: number;
  diskCapacityBytes: number;
  inodesFree?: number;
  inodes?: number;
  /** Processes/threads in use and the kernel's maximum. */
  pidsInUse: number;
  pidMax: number;
}

export function hostPressure(dataDir: string): HostPressure {
  const meminfo = read("/proc/meminfo") ?? "";
  let diskAvailableBytes = 0;
  let diskCapacityBytes = 0;
  let inodesFree = 0;
  let inodes = 0;
  try {
    const fs = statfsSync(dataDir);
    diskAvailableBytes = fs.bavail * fs.bsize;
    diskCapacityBytes = fs.blocks * fs.bsize;
    inodesFree = fs.ffree;
    inodes = fs.files;
  } catch {
    // Unknown: reported as no pressure below.
  }
  const loadavg = read("/proc/loadavg") ?? "";
  const threads = /\s\d+\/(\d+)\s/.exec(loadavg)?.[1];
  return {
    memoryAvailableBytes: meminfoBytes(meminfo, "MemAvailable") ?? Number.POSITIVE_INFINITY,
    memoryCapacityBytes: meminfoBytes(meminfo, "MemTotal") ?? 0,
    diskAvailableBytes,
    diskCapacityBytes,
    inodesFree,
    inodes,
    pidsInUse: threads ? Number(threads) : 0,
    pidMax: Number((read("/proc/sys/kernel/pid_max") ?? "0").trim()) || 0,
  };
}
