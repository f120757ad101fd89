// The shapes of CRI answers as CriClient decodes them (camelCase, enums as names, int64 as decimal
// strings, absent messages as null). Only the fields Skiff reads are declared.

/** int64/uint64 fields arrive as decimal strings (nanosecond timestamps exceed 2^53). */
export type Int64 = string;

export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface CriPodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface CriPodSandbox {
  id: string;
  metadata: CriPodSandboxMetadata | null;
  state: "SANDBOX_READY" | "SANDBOX_NOTREADY";
  createdAt: Int64;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface CriPodSandboxStatus extends CriPodSandbox {
  network: { ip: string; additionalIps: { ip: string }[] } | null;
}

export interface PodSandboxStatusResponse {
  status: CriPodSandboxStatus | null;
  info: Record<string, string>;
}

export interface ListPodSandboxResponse {
  items: CriPodSandbox[];
}

export type CriContainerState =
  | "CONTAINER_CREATED"
  | "CONTAINER_RUNNING"
  | "CONTAINER_EXITED"
  | "CONTAINER_UNKNOWN";

export interface CriContainer {
  id: string;
  podSandboxId: string;
  metadata: { name: string; attempt: number } | null;
  image: { image: string } | null;
  imageRef: string;
  state: CriContainerState;
  createdAt: Int64;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ListContainersResponse {
  containers: CriContainer[];
}

export interface CriContainerStatus {
  id: string;
  metadata: { name: string; attempt: number } | null;
  state: CriContainerState;
  createdAt: Int64;
  startedAt: Int64;
  finishedAt: Int64;
  exitCode: number;
  image: { image: string } | null;
  imageRef: string;
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  logPath: string;
}

export interface ContainerStatusResponse {
  status: CriContainerStatus | null;
  info: Record<string, string>;
}

export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface StreamUrlResponse {
  url: string;
}

export interface UInt64Value {
  value: Int64;
}

export interface ListContainerStatsResponse {
  stats: {
    attributes: { id: string; labels: Record<string, string> } | null;
    cpu: { timestamp: Int64; usageCoreNanoSeconds: UInt64Value | null } | null;
    memory: { timestamp: Int64; workingSetBytes: UInt64Value | null; usageBytes: UInt64Value | null } | null;
  }[];
}

export interface StatusResponse {
  status: { conditions: { type: string; status: boolean; reason: string; message: string }[] } | null;
  info: Record<string, string>;
}

export interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: Int64;
  /** Set when the image's user is numeric (Int64Value). */
  uid: UInt64Value | null;
  /** Set when the image's user is a name. */
  username: string;
}

export interface ListImagesResponse {
  images: CriImage[];
}

export interface ImageStatusResponse {
  image: CriImage | null;
}

export interface PullImageResponse {
  imageRef: string;
}

export interface ImageFsInfoResponse {
  imageFilesystems: { fsId: { mountpoint: string } | null; usedBytes: UInt64Value | null }[];
}

/** Nanoseconds (decimal string) to epoch milliseconds. */
export function nanosToMillis(ns: Int64 | undefined): number {
  if (!ns || ns === "0") return 0;
  return Number(BigInt(ns) / 1_000_000n);
}

export function int64(value: UInt64Value | null | undefined): number {
  return value ? Number(value.value) : 0;
}
