// The kubelet Summary API (stats/v1alpha1, served at /stats/summary): the types Skiff fills in.
// Times are RFC 3339 strings; every figure is optional, as upstream leaves out what it cannot measure.

export interface CpuStats {
  time: string;
  /** Average rate since the previous sample, in billionths of a core. */
  usageNanoCores?: number;
  /** Cumulative CPU time. */
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

export interface InterfaceStatsSummary {
  name: string;
  rxBytes?: number;
  rxErrors?: number;
  txBytes?: number;
  txErrors?: number;
}

/** The default interface's figures inline (name eth0) plus every interface. */
export interface NetworkStats extends Partial<InterfaceStatsSummary> {
  time: string;
  interfaces?: InterfaceStatsSummary[];
}

export interface FsStats {
  time: string;
  availableBytes?: number;
  capacityBytes?: number;
  usedBytes?: number;
  inodesFree?: number;
  inodes?: number;
  inodesUsed?: number;
}

export interface ContainerStatsSummary {
  name: string;
  startTime: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
  rootfs?: FsStats;
  logs?: FsStats;
}

export interface PodReference {
  name: string;
  namespace: string;
  uid: string;
}

export interface PodStatsSummary {
  podRef: PodReference;
  startTime: string;
  containers: ContainerStatsSummary[];
  cpu?: CpuStats;
  memory?: MemoryStats;
  network?: NetworkStats;
  "ephemeral-storage"?: FsStats;
}

export interface NodeStatsSummary {
  nodeName: string;
  startTime?: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
  network?: NetworkStats;
  fs?: FsStats;
}

export interface Summary {
  node: NodeStatsSummary;
  pods: PodStatsSummary[];
}

/** What a kubelet's stats come from: cgroups on a real node, synthetic figures on a hollow one. */
export interface StatsProvider {
  summary(): Promise<Summary>;
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
