// The kubelet's container runtime interface, shaped like CRI's RuntimeService (names, states and
// fields follow runtime/v1/api.proto). Backends: fake (hollow nodes) now; runc, containerd later.
// Only the calls the kubelet uses so far are declared; exec/attach/logs/images/stats come later.

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
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
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
}

export interface ContainerFilter {
  id?: string;
  podSandboxId?: string;
  state?: ContainerState;
}

export interface PodSandboxFilter {
  id?: string;
  state?: PodSandboxState;
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
}

/** Thrown for an unknown sandbox or container id (CRI's NotFound). */
export class RuntimeNotFoundError extends Error {
  override name = "RuntimeNotFoundError";
}
