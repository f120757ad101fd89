// A CRI-shaped runtime that runs nothing: sandboxes get an IP from the node's pod CIDR, started
// containers run until stopped or, when annotated, exit after `sim.skiff.dev/run-seconds` with
// `sim.skiff.dev/exit-code`. Used by hollow nodes and (later) `--runtime fake`.
import type { Duplex } from "node:stream";
import type { Cancellable, Clock } from "../../clock.ts";
import {
  type ContainerConfig,
  type ContainerEvent,
  type ContainerEventType,
  type ContainerFilter,
  type ContainerStats,
  type ContainerStatus,
  type ExecSyncResult,
  type Image,
  type ImageService,
  type ImageSpec,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type Runtime,
  RuntimeNotFoundError,
  type RuntimeStatus,
  RuntimeUnsupportedError,
  type StreamSession,
} from "../runtime.ts";
import { PodIpAllocator, parseIpv4Cidr } from "./ipam.ts";

/** Seconds a started container runs before it exits by itself (absent: until stopped). */
export const runSecondsAnnotation = "sim.skiff.dev/run-seconds";
/** Exit code of a container that exits by itself (default 0). */
export const exitCodeAnnotation = "sim.skiff.dev/exit-code";
/** Exit code of a container stopped by the kubelet: killed, as `sleep` is when the grace period ends. */
export const killedExitCode = 137;

export const fakeRuntimeName = "fake";
export const fakeRuntimeVersion = "0.1.0";

export interface FakeRuntimeOptions {
  clock: Clock;
  /** Pod network; absent means sandboxes get no IP (host network only). */
  ipam?: PodIpAllocator;
}

interface Sandbox {
  status: PodSandboxStatus;
  containers: Set<string>;
}

interface Container {
  status: ContainerStatus;
  /** Seconds to run and exit code, resolved from container then sandbox annotations at create. */
  runSeconds: number | undefined;
  exitCode: number;
  exitTimer: Cancellable | undefined;
}

/**
 * A container annotation wins over the pod's; on the pod, `<annotation>.<container name>` wins
 * over the plain one (so a pod can script each of its containers).
 */
function annotation(name: string, container: ContainerConfig, sandbox: PodSandboxConfig): string | undefined {
  return (
    container.annotations?.[name] ??
    sandbox.annotations?.[`${name}.${container.metadata.name}`] ??
    sandbox.annotations?.[name]
  );
}

/** Answers execSync in the fake (probes and hooks in tests); absent, exec is unsupported. */
export type FakeExecHandler = (
  container: Readonly<ContainerStatus>,
  cmd: string[],
) => ExecSyncResult | Promise<ExecSyncResult>;

function runSecondsOf(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function exitCodeOf(value: string | undefined): number {
  const n = Number(value ?? "0");
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : 1;
}

/** A stable fake digest so imageID looks like a real one (`image@sha256:…`). */
function imageRef(image: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < image.length; i++) h = Math.imul(h ^ image.charCodeAt(i), 0x01000193) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  const name = image.split("@")[0]?.replace(/:[^/:]*$/, "") ?? image;
  return `${name}@sha256:${hex.repeat(8)}`;
}

export class FakeRuntime implements Runtime {
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly containers = new Map<string, Container>();
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private seq = 0;
  private execHandler: FakeExecHandler | undefined;
  /** The pod network: given at construction, or made from the first pod CIDR configured. */
  private ipam: PodIpAllocator | undefined;
  /** Runtime status reported to the kubelet (tests flip it). */
  runtimeStatus: RuntimeStatus | undefined;
  /** The last pod CIDR the kubelet configured. */
  podCidr = "";

  constructor(private readonly options: FakeRuntimeOptions) {
    this.ipam = options.ipam;
  }

  private id(): string {
    this.seq++;
    // 64 hex characters like containerd ids, unique per runtime instance and call.
    const rand = Math.floor(Math.random() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
    return `${rand}${this.seq.toString(16).padStart(8, "0")}`.padEnd(64, "0");
  }

  private sandbox(id: string): Sandbox {
    const s = this.sandboxes.get(id);
    if (!s) throw new RuntimeNotFoundError(`pod sandbox ${id} not found`);
    return s;
  }

  private container(id: string): Container {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeNotFoundError(`container ${id} not found`);
    return c;
  }

  private emit(c: Container, type: ContainerEventType): void {
    const event = {
      containerId: c.status.id,
      podSandboxId: c.status.podSandboxId,
      type,
      createdAt: this.options.clock.now(),
    };
    for (const l of this.listeners) l(event);
  }

  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string }> {
    return { runtimeName: fakeRuntimeName, runtimeVersion: fakeRuntimeVersion };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = this.id();
    const ip = this.ipam?.allocate() ?? "";
    this.sandboxes.set(id, {
      containers: new Set(),
      status: {
        id,
        metadata: { ...config.metadata },
        state: "SANDBOX_READY",
        createdAt: this.options.clock.now(),
        network: { ip, additionalIps: [] },
        labels: { ...config.labels },
        annotations: { ...config.annotations },
      },
    });
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const s = this.sandboxes.get(podSandboxId);
    if (!s || s.status.state === "SANDBOX_NOTREADY") return;
    for (const cid of s.containers) this.kill(cid, killedExitCode, "Error");
    s.status.state = "SANDBOX_NOTREADY";
    if (s.status.network.ip) this.ipam?.release(s.status.network.ip);
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    const s = this.sandboxes.get(podSandboxId);
    if (!s) return;
    await this.stopPodSandbox(podSandboxId);
    for (const cid of [...s.containers]) await this.removeContainer(cid);
    this.sandboxes.delete(podSandboxId);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    return structuredClone(this.sandbox(podSandboxId).status);
  }

  async listPodSandboxes(filter: PodSandboxFilter = {}): Promise<PodSandboxStatus[]> {
    const out: PodSandboxStatus[] = [];
    for (const s of this.sandboxes.values()) {
      if (filter.id !== undefined && s.status.id !== filter.id) continue;
      if (filter.state !== undefined && s.status.state !== filter.state) continue;
      out.push(structuredClone(s.status));
    }
    return out;
  }

  async createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
  ): Promise<string> {
    const s = this.sandbox(podSandboxId);
    if (s.status.state !== "SANDBOX_READY") {
      throw new Error(`pod sandbox ${podSandboxId} is not ready`);
    }
    const id = this.id();
    const c: Container = {
      runSeconds: runSecondsOf(annotation(runSecondsAnnotation, config, sandboxConfig)),
      exitCode: exitCodeOf(annotation(exitCodeAnnotation, config, sandboxConfig)),
      exitTimer: undefined,
      status: {
        id,
        podSandboxId,
        metadata: { ...config.metadata },
        state: "CONTAINER_CREATED",
        createdAt: this.options.clock.now(),
        startedAt: 0,
        finishedAt: 0,
        exitCode: 0,
        image: { ...config.image },
        imageRef: imageRef(config.image.image),
        reason: "",
        message: "",
        labels: { ...config.labels },
        annotations: { ...config.annotations },
      },
    };
    this.containers.set(id, c);
    s.containers.add(id);
    this.emit(c, "CONTAINER_CREATED_EVENT");
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.container(containerId);
    if (c.status.state !== "CONTAINER_CREATED") {
      throw new Error(`container ${containerId} is ${c.status.state}, not created`);
    }
    const now = this.options.clock.now();
    c.status.state = "CONTAINER_RUNNING";
    c.status.startedAt = now;
    this.emit(c, "CONTAINER_STARTED_EVENT");
    if (c.runSeconds !== undefined) {
      const code = c.exitCode;
      c.exitTimer = this.options.clock.at(now + c.runSeconds * 1000, () =>
        this.kill(containerId, code, code === 0 ? "Completed" : "Error"),
      );
    }
  }

  /** The fake has nothing to signal: a stop is an immediate kill whatever the timeout. */
  async stopContainer(containerId: string, _timeoutSeconds: number): Promise<void> {
    this.container(containerId);
    this.kill(containerId, killedExitCode, "Error");
  }

  private kill(containerId: string, exitCode: number, reason: string): void {
    const c = this.containers.get(containerId);
    if (!c || c.status.state === "CONTAINER_EXITED") return;
    c.exitTimer?.cancel();
    c.exitTimer = undefined;
    c.status.state = "CONTAINER_EXITED";
    c.status.finishedAt = this.options.clock.now();
    c.status.exitCode = exitCode;
    c.status.reason = reason;
    this.emit(c, "CONTAINER_STOPPED_EVENT");
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    c.exitTimer?.cancel();
    this.containers.delete(containerId);
    this.sandboxes.get(c.status.podSandboxId)?.containers.delete(containerId);
    this.emit(c, "CONTAINER_DELETED_EVENT");
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return structuredClone(this.container(containerId).status);
  }

  /** The status without copying, for the hollow kubelet's hot path (callers must not mutate it). */
  peekContainer(containerId: string): Readonly<ContainerStatus> | undefined {
    return this.containers.get(containerId)?.status;
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    const out: ContainerStatus[] = [];
    for (const c of this.containers.values()) {
      if (filter.id !== undefined && c.status.id !== filter.id) continue;
      if (filter.podSandboxId !== undefined && c.status.podSandboxId !== filter.podSandboxId) continue;
      if (filter.state !== undefined && c.status.state !== filter.state) continue;
      out.push(structuredClone(c.status));
    }
    return out;
  }

  async status(): Promise<RuntimeStatus> {
    return (
      this.runtimeStatus ?? {
        runtimeReady: true,
        networkReady: this.ipam !== undefined,
      }
    );
  }

  /** Records the CIDR; without an allocator yet, sandboxes get IPs from it from now on. */
  async updateRuntimeConfig(config: { podCidr: string }): Promise<void> {
    this.podCidr = config.podCidr;
    this.ipam ??= new PodIpAllocator(parseIpv4Cidr(config.podCidr));
  }

  /** Installs the exec handler (probes, hooks); undefined restores "unsupported". */
  setExecHandler(handler: FakeExecHandler | undefined): void {
    this.execHandler = handler;
  }

  /** Makes a running container exit now with `exitCode` (a crash in tests). */
  exitContainer(containerId: string, exitCode: number): void {
    this.kill(containerId, exitCode, exitCode === 0 ? "Completed" : "Error");
  }

  async execSync(containerId: string, cmd: string[], _timeoutSeconds: number): Promise<ExecSyncResult> {
    const c = this.container(containerId);
    if (!this.execHandler) {
      throw new RuntimeUnsupportedError("the fake runtime runs no processes: exec is not supported");
    }
    if (c.status.state !== "CONTAINER_RUNNING") throw new Error(`container ${containerId} is not running`);
    return this.execHandler(c.status, cmd);
  }

  async exec(): Promise<StreamSession> {
    throw new RuntimeUnsupportedError("the fake runtime runs no processes: exec is not supported");
  }

  async attach(): Promise<StreamSession> {
    throw new RuntimeUnsupportedError("the fake runtime runs no processes: attach is not supported");
  }

  async portForward(): Promise<Duplex> {
    throw new RuntimeUnsupportedError(
      "the fake runtime has no network namespaces: port-forward is not supported",
    );
  }

  /** Running containers use nothing: the fake runs no processes. */
  async listContainerStats(filter: ContainerFilter = {}): Promise<ContainerStats[]> {
    const now = this.options.clock.now();
    return (await this.listContainers({ ...filter, state: "CONTAINER_RUNNING" })).map((c) => ({
      containerId: c.id,
      podSandboxId: c.podSandboxId,
      timestamp: now,
      cpuUsageCoreNanoSeconds: 0,
      memoryWorkingSetBytes: 0,
      memoryUsageBytes: 0,
    }));
  }

  readonly images = new FakeImageService();

  /** Cancels every exit timer (the runtime's only resources). */
  async close(): Promise<void> {
    for (const c of this.containers.values()) c.exitTimer?.cancel();
    this.listeners.clear();
  }
}

/** Images that are "present" once pulled: a hollow node pulls instantly and stores nothing. */
export class FakeImageService implements ImageService {
  private readonly images = new Map<string, Image>();
  /** Image → error message: pulls of it fail (tests of ErrImagePull). */
  readonly failing = new Map<string, string>();
  /** How many pulls were made (tests of imagePullPolicy). */
  pulls = 0;

  /** Makes an image present without a pull. */
  preload(image: string): void {
    this.images.set(image, { id: `sha256:fake-${image}`, repoTags: [image], repoDigests: [], size: 0 });
  }

  async pullImage(image: ImageSpec): Promise<string> {
    this.pulls++;
    const failure = this.failing.get(image.image);
    if (failure !== undefined) throw new Error(failure);
    const id = `sha256:fake-${image.image}`;
    this.images.set(image.image, { id, repoTags: [image.image], repoDigests: [], size: 0 });
    return id;
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    return this.images.get(image.image);
  }

  async listImages(): Promise<Image[]> {
    return [...this.images.values()];
  }

  /** By reference, id or tag, as CRI RemoveImage. */
  async removeImage(image: ImageSpec): Promise<void> {
    for (const [key, i] of this.images) {
      if (key === image.image || i.id === image.image || i.repoTags.includes(image.image))
        this.images.delete(key);
    }
  }

  async importImage(_archivePath: string): Promise<Image[]> {
    throw new RuntimeUnsupportedError("the fake runtime has no image store: import is not supported");
  }

  async fsUsage(): Promise<{ usedBytes: number; capacityBytes: number }> {
    return { usedBytes: 0, capacityBytes: 0 };
  }
}
