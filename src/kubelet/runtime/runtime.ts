// The kubelet's container runtime interface, shaped like CRI's RuntimeService and ImageService
// (names, states and fields follow runtime/v1/api.proto). Backends: fake (hollow nodes), containerd
// (CRI over gRPC), runc (OCI bundles + CNI). The kubelet knows nothing about how a backend does it.
import type { Duplex, Readable, Writable } from "node:stream";

export interface KeyValue {
  key: string;
  value: string;
}

export type MountPropagation =
  | "PROPAGATION_PRIVATE"
  | "PROPAGATION_HOST_TO_CONTAINER"
  | "PROPAGATION_BIDIRECTIONAL";

/** A bind mount from the host (volumes are prepared by the kubelet, then bound in). */
export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  propagation?: MountPropagation;
}

export interface PortMapping {
  protocol: "TCP" | "UDP" | "SCTP";
  containerPort: number;
  hostPort: number;
  hostIp?: string;
}

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

/**
 * CRI NamespaceMode: POD shares the sandbox's, CONTAINER is private, NODE is the host's, TARGET
 * is another container's (`targetId`; ephemeral containers join their target's pid namespace).
 */
export type NamespaceMode = "POD" | "CONTAINER" | "NODE" | "TARGET";

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  /** The container whose namespace a TARGET mode joins. */
  targetId?: string;
}

export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  runAsUser?: number;
  runAsGroup?: number;
  supplementalGroups?: number[];
  readonlyRootfs?: boolean;
  privileged?: boolean;
}

export interface LinuxPodSandboxConfig {
  /** Parent cgroup of the pod (cgroupfs path such as `/skiff/kubepods/burstable/pod<uid>`). */
  cgroupParent?: string;
  securityContext?: LinuxSandboxSecurityContext;
  sysctls?: Record<string, string>;
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  /** Clamped to >= 0 by backends: root lacks CAP_SYS_RESOURCE on these machines (RUNTIME.md). */
  oomScoreAdj?: number;
  cpusetCpus?: string;
  /** cgroup v1 pids.max (CRI carries it in `unified`; explicit here). */
  pidsLimit?: number;
}

export interface Capability {
  addCapabilities: string[];
  dropCapabilities: string[];
}

export interface LinuxContainerSecurityContext {
  capabilities?: Capability;
  privileged?: boolean;
  namespaceOptions?: NamespaceOption;
  runAsUser?: number;
  runAsGroup?: number;
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources;
  securityContext?: LinuxContainerSecurityContext;
}

export interface PodSandboxMetadata {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  labels?: Record<string, string>;
  /** The pod's annotations (CRI passes them to the runtime unchanged). */
  annotations?: Record<string, string>;
  /** Directory under which container logs are written (`/var/log/pods/<ns>_<name>_<uid>`-like). */
  logDirectory?: string;
  dnsConfig?: DnsConfig;
  portMappings?: PortMapping[];
  linux?: LinuxPodSandboxConfig;
}

export type PodSandboxState = "SANDBOX_READY" | "SANDBOX_NOTREADY";

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  /** Epoch milliseconds (CRI uses nanoseconds; milliseconds are all the API shows). */
  createdAt: number;
  network: { ip: string; additionalIps: string[] };
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerMetadata {
  name: string;
  /** How many times this container was created in this sandbox before (the restart count). */
  attempt: number;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: { image: string };
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  /** Log file path relative to the sandbox's logDirectory, written in the CRI log format. */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: LinuxContainerConfig;
}

export type ContainerState =
  | "CONTAINER_CREATED"
  | "CONTAINER_RUNNING"
  | "CONTAINER_EXITED"
  | "CONTAINER_UNKNOWN";

export interface ContainerStatus {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  /** Epoch milliseconds; 0 when the event has not happened. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: { image: string };
  imageRef: string;
  /** Why the container exited (CRI leaves it to the runtime, e.g. "Completed", "Error", "OOMKilled"). */
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Absolute path of the container's CRI-format log file ("" when it has none). */
  logPath?: string;
}

export interface ContainerFilter {
  id?: string;
  podSandboxId?: string;
  state?: ContainerState;
}

export interface PodSandboxFilter {
  id?: string;
  state?: PodSandboxState;
  /** Sandboxes carrying all these labels (CRI label_selector); a runtime may ignore it. */
  labelSelector?: Record<string, string>;
}

export type ContainerEventType =
  | "CONTAINER_CREATED_EVENT"
  | "CONTAINER_STARTED_EVENT"
  | "CONTAINER_STOPPED_EVENT"
  | "CONTAINER_DELETED_EVENT";

/** CRI's GetContainerEvents: what changed, so the kubelet does not have to poll (PLEG). */
export interface ContainerEvent {
  containerId: string;
  podSandboxId: string;
  type: ContainerEventType;
  createdAt: number;
}

export interface Runtime {
  /** Creates and starts a sandbox (network namespace, IP); returns its id. */
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container in the sandbox and tears the network down. Idempotent. */
  stopPodSandbox(podSandboxId: string): Promise<void>;
  /** Removes the sandbox and its containers. Idempotent. */
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandboxes(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]>;
  createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
  ): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Stops a running container, killing it after `timeoutSeconds`. Idempotent. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]>;
  /** Subscribes to container events; returns the unsubscribe function. */
  onContainerEvent(listener: (event: ContainerEvent) => void): () => void;
  /** Runtime name and version, e.g. `fake://0.1.0` in NodeInfo.containerRuntimeVersion. */
  version(): Promise<{ runtimeName: string; runtimeVersion: string }>;
  /** CRI Status: whether containers can run and whether the pod network is configured. */
  status(): Promise<RuntimeStatus>;
  /** CRI UpdateRuntimeConfig: the node's pod CIDR, once the node has one. */
  updateRuntimeConfig(config: { podCidr: string }): Promise<void>;
  /** Runs a command in a running container and collects its output (probes, hooks). */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  /** An interactive exec session (kubectl exec). */
  exec(containerId: string, options: StreamOptions & { cmd: string[] }): Promise<StreamSession>;
  /** Attaches to the container's main process (kubectl attach; needs stdin/tty in its config). */
  attach(containerId: string, options: StreamOptions): Promise<StreamSession>;
  /** A TCP connection to `port` inside the sandbox's network namespace (kubectl port-forward). */
  portForward(podSandboxId: string, port: number): Promise<Duplex>;
  /**
   * CRI ReopenContainerLog: the runtime reopens the container's log path (after the kubelet renamed
   * the file away for rotation). Optional: a runtime without files (fake) has nothing to reopen.
   */
  reopenContainerLog?(containerId: string): Promise<void>;
  /** CPU and memory figures per container (metrics, eviction). */
  listContainerStats(filter?: ContainerFilter): Promise<ContainerStats[]>;
  images: ImageService;
  /** Releases the backend (a supervised containerd is stopped); containers keep running. */
  close(): Promise<void>;
}

export interface RuntimeStatus {
  runtimeReady: boolean;
  networkReady: boolean;
  /** Why a condition is false, for node conditions and the start message. */
  message?: string;
}

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
  /** True when the command was killed at the timeout. */
  timedOut: boolean;
}

export interface StreamOptions {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** The streams of an exec or attach; stdin/stdout/stderr are present when requested. */
export interface StreamSession {
  stdin?: Writable;
  stdout?: Readable;
  /** Absent when tty is set (a terminal merges stderr into stdout). */
  stderr?: Readable;
  resize(size: { width: number; height: number }): void;
  /** Resolves with the process's exit code once it ends and its output is drained. */
  exitCode: Promise<number>;
  /** Ends the session (kills an exec'd process; detaches an attach). */
  close(): void;
}

export interface ContainerStats {
  containerId: string;
  podSandboxId: string;
  /** Epoch milliseconds of the sample. */
  timestamp: number;
  cpuUsageCoreNanoSeconds: number;
  memoryWorkingSetBytes: number;
  memoryUsageBytes: number;
}

export interface ImageSpec {
  image: string;
}

export interface Image {
  /** Image id (config digest, `sha256:…`). */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  /** The image config's user when numeric (CRI Image.uid); neither uid nor username: root. */
  uid?: number;
  /** The image config's user when a name (CRI Image.username). */
  username?: string;
}

/** CRI's reading of an image config's `User` ("1000", "1000:1000", "nobody", ""). */
export function imageUser(user: string | undefined): { uid?: number; username?: string } {
  const name = (user ?? "").split(":")[0] ?? "";
  if (name === "") return {};
  return /^\d+$/.test(name) ? { uid: Number(name) } : { username: name };
}

/** Registry credentials from an imagePullSecret (CRI AuthConfig). */
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface ImageService {
  /** Pulls from a registry; returns the image reference (id) the runtime will use. */
  pullImage(image: ImageSpec, auth?: AuthConfig): Promise<string>;
  /** undefined when the image is not present. */
  imageStatus(image: ImageSpec): Promise<Image | undefined>;
  listImages(): Promise<Image[]>;
  removeImage(image: ImageSpec): Promise<void>;
  /** Loads an OCI layout / oci-archive / docker-archive tarball (not CRI; `skiff image import`). */
  importImage(archivePath: string): Promise<Image[]>;
  /** Bytes used by images on disk (image garbage collection thresholds). */
  fsUsage(): Promise<{ usedBytes: number; capacityBytes: number }>;
}

/** Thrown for a call a backend cannot serve (the fake runtime has no processes to exec into). */
export class RuntimeUnsupportedError extends Error {
  override name = "RuntimeUnsupportedError";
}

/** Thrown for an unknown sandbox or container id (CRI's NotFound). */
export class RuntimeNotFoundError extends Error {
  override name = "RuntimeNotFoundError";
}
