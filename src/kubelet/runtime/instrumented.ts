// A Runtime that times every CRI call (kubelet_runtime_operations_total, _duration_seconds and
// _errors_total by operation_type, as pkg/kubelet/kuberuntime's instrumented service does) and
// counts running pods and containers at scrape time; the backend is unchanged.
import type { Duplex } from "node:stream";
import {
  type CounterChild,
  defaultRegistry,
  type HistogramChild,
  kubeletRuntimeBuckets,
  type Registry,
} from "../../metrics/index.ts";
import type {
  AuthConfig,
  ContainerConfig,
  ContainerEvent,
  ContainerFilter,
  ContainerStats,
  ContainerStatus,
  ExecSyncResult,
  Image,
  ImageService,
  ImageSpec,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
  Runtime,
  RuntimeStatus,
  StreamOptions,
  StreamSession,
} from "./runtime.ts";

function families(registry: Registry) {
  const op = ["operation_type"];
  return {
    total: registry.counterVec({
      name: "kubelet_runtime_operations_total",
      help: "Cumulative number of runtime operations by operation type.",
      labelNames: op,
    }),
    errors: registry.counterVec({
      name: "kubelet_runtime_operations_errors_total",
      help: "Cumulative number of runtime operation errors by operation type.",
      labelNames: op,
    }),
    duration: registry.histogramVec({
      name: "kubelet_runtime_operations_duration_seconds",
      help: "Duration in seconds of runtime operations. Broken down by operation type.",
      labelNames: op,
      buckets: kubeletRuntimeBuckets,
    }),
    runningPods: registry.callback({
      name: "kubelet_running_pods",
      help: "Number of pods that have a running pod sandbox",
      type: "gauge",
    }),
    runningContainers: registry.callback({
      name: "kubelet_running_containers",
      help: "Number of containers currently running",
      type: "gauge",
      labelNames: ["container_state"],
    }),
  };
}

interface OperationChildren {
  total: CounterChild;
  errors: CounterChild;
  duration: HistogramChild;
}

const containerStates: Record<string, string> = {
  CONTAINER_CREATED: "created",
  CONTAINER_RUNNING: "running",
  CONTAINER_EXITED: "exited",
  CONTAINER_UNKNOWN: "unknown",
};

export class InstrumentedRuntime implements Runtime {
  readonly images: ImageService;
  private readonly ops = new Map<string, OperationChildren>();
  private readonly f: ReturnType<typeof families>;
  private readonly removers: (() => void)[];

  constructor(
    private readonly inner: Runtime,
    registry: Registry = defaultRegistry,
  ) {
    this.f = families(registry);
    // Scrape-time counts ask the backend directly, so they do not show up as operations.
    this.removers = [
      this.f.runningPods.add(async () => [
        { labels: [], value: (await inner.listPodSandboxes({ state: "SANDBOX_READY" })).length },
      ]),
      this.f.runningContainers.add(async () => {
        const counts = new Map<string, number>(Object.values(containerStates).map((s) => [s, 0]));
        for (const c of await inner.listContainers()) {
          const s = containerStates[c.state] ?? "unknown";
          counts.set(s, (counts.get(s) ?? 0) + 1);
        }
        return [...counts].map(([s, value]) => ({ labels: [s], value }));
      }),
    ];
    const images = inner.images;
    this.images = {
      pullImage: (image: ImageSpec, auth?: AuthConfig) =>
        this.timed("pull_image", () => images.pullImage(image, auth)),
      imageStatus: (image: ImageSpec): Promise<Image | undefined> =>
        this.timed("image_status", () => images.imageStatus(image)),
      listImages: () => this.timed("list_images", () => images.listImages()),
      removeImage: (image: ImageSpec) => this.timed("remove_image", () => images.removeImage(image)),
      importImage: (path: string) => this.timed("import_image", () => images.importImage(path)),
      fsUsage: () => this.timed("image_fs_info", () => images.fsUsage()),
    };
  }

  private children(operation: string): OperationChildren {
    let c = this.ops.get(operation);
    if (!c) {
      c = {
        total: this.f.total.labels(operation),
        errors: this.f.errors.labels(operation),
        duration: this.f.duration.labels(operation),
      };
      this.ops.set(operation, c);
    }
    return c;
  }

  private async timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const c = this.children(operation);
    const started = performance.now();
    c.total.inc();
    try {
      return await call();
    } catch (err) {
      c.errors.inc();
      throw err;
    } finally {
      c.duration.observe((performance.now() - started) / 1000);
    }
  }

  runPodSandbox(config: PodSandboxConfig): Promise<string> {
    return this.timed("run_podsandbox", () => this.inner.runPodSandbox(config));
  }
  stopPodSandbox(id: string): Promise<void> {
    return this.timed("stop_podsandbox", () => this.inner.stopPodSandbox(id));
  }
  removePodSandbox(id: string): Promise<void> {
    return this.timed("remove_podsandbox", () => this.inner.removePodSandbox(id));
  }
  podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    return this.timed("podsandbox_status", () => this.inner.podSandboxStatus(id));
  }
  listPodSandboxes(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]> {
    return this.timed("list_podsandbox", () => this.inner.listPodSandboxes(filter));
  }
  createContainer(id: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    return this.timed("create_container", () => this.inner.createContainer(id, config, sandboxConfig));
  }
  startContainer(id: string): Promise<void> {
    return this.timed("start_container", () => this.inner.startContainer(id));
  }
  stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    return this.timed("stop_container", () => this.inner.stopContainer(id, timeoutSeconds));
  }
  removeContainer(id: string): Promise<void> {
    return this.timed("remove_container", () => this.inner.removeContainer(id));
  }
  containerStatus(id: string): Promise<ContainerStatus> {
    return this.timed("container_status", () => this.inner.containerStatus(id));
  }
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]> {
    return this.timed("list_containers", () => this.inner.listContainers(filter));
  }
  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    return this.inner.onContainerEvent(listener);
  }
  version(): Promise<{ runtimeName: string; runtimeVersion: string }> {
    return this.timed("version", () => this.inner.version());
  }
  status(): Promise<RuntimeStatus> {
    return this.timed("status", () => this.inner.status());
  }
  updateRuntimeConfig(config: { podCidr: string }): Promise<void> {
    return this.timed("update_runtime_config", () => this.inner.updateRuntimeConfig(config));
  }
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    return this.timed("exec_sync", () => this.inner.execSync(id, cmd, timeoutSeconds));
  }
  exec(id: string, options: StreamOptions & { cmd: string[] }): Promise<StreamSession> {
    return this.timed("exec", () => this.inner.exec(id, options));
  }
  attach(id: string, options: StreamOptions): Promise<StreamSession> {
    return this.timed("attach", () => this.inner.attach(id, options));
  }
  portForward(id: string, port: number): Promise<Duplex> {
    return this.timed("port_forward", () => this.inner.portForward(id, port));
  }
  async reopenContainerLog(id: string): Promise<void> {
    const inner = this.inner;
    if (inner.reopenContainerLog)
      await this.timed("reopen_container_log", () => inner.reopenContainerLog?.(id) ?? Promise.resolve());
  }
  listContainerStats(filter?: ContainerFilter): Promise<ContainerStats[]> {
    return this.timed("list_container_stats", () => this.inner.listContainerStats(filter));
  }
  /** Removes the scrape-time counts, then releases the backend. */
  close(): Promise<void> {
    for (const r of this.removers.splice(0)) r();
    return this.inner.close();
  }
}
