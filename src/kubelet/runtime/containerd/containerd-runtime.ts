// The Runtime interface over CRI v1 to containerd: sandbox and container lifecycle, status, stats,
// execSync for probes, the CNI conflist on updateRuntimeConfig, pod cgroup cleanup after removal,
// and container events synthesised by polling (containerd 1.6 has no GetContainerEvents).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import {
  type ContainerConfig,
  type ContainerEvent,
  type ContainerEventType,
  type ContainerFilter,
  type ContainerStats,
  type ContainerStatus,
  type ExecSyncResult,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type Runtime,
  RuntimeNotFoundError,
  type RuntimeStatus,
  type StreamOptions,
  type StreamSession,
} from "../runtime.ts";
import { removeCgroup } from "./cgroups.ts";
import { type CniNetworkOptions, writeCniConflist } from "./cni.ts";
import {
  containerFromCri,
  containerStatusFromCri,
  criContainerConfig,
  criSandboxConfig,
  sandboxFromCri,
} from "./convert.ts";
import { CriClient, CriError } from "./cri-client.ts";
import {
  type ContainerStatusResponse,
  type ExecSyncResponse,
  int64,
  type ListContainerStatsResponse,
  type ListContainersResponse,
  type ListPodSandboxResponse,
  nanosToMillis,
  type PodSandboxStatusResponse,
  type StatusResponse,
  type StreamUrlResponse,
  type VersionResponse,
} from "./cri-types.ts";
import { ContainerdImageService } from "./images.ts";
import { openRemoteCommand } from "./remotecommand.ts";
import { connectInNetns, runcExec } from "./streams.ts";

export interface ContainerdRuntimeOptions {
  /** containerd's CRI socket. */
  socket: string;
  /** Where containerd reads CNI configs (its `cni.conf_dir`); absent: Skiff does not manage the network. */
  cniConfDir?: string;
  /** Network name, bridge and IPAM dir for the conflist written on updateRuntimeConfig. */
  network?: Omit<CniNetworkOptions, "podCidr">;
  /** runc's root for the `k8s.io` namespace (non-tty exec); default containerd's `/run/containerd/runc/k8s.io`. */
  runcRoot?: string;
  /** How often container events are synthesised from listings while someone listens (default 1000 ms). */
  eventPollMs?: number;
  /** Called by close() after the client is closed (the supervisor's stop). */
  onClose?: () => Promise<void>;
}

/** Parsed `info` of a verbose CRI status (containerd puts a JSON document under the key "info"). */
interface VerboseInfo {
  pid?: number;
  sandboxID?: string;
  runtimeSpec?: { linux?: { cgroupsPath?: string } };
  config?: { linux?: { cgroup_parent?: string } };
}

function verboseInfo(info: Record<string, string>): VerboseInfo {
  try {
    return JSON.parse(info.info ?? "{}") as VerboseInfo;
  } catch {
    return {};
  }
}

export class ContainerdRuntime implements Runtime {
  readonly images: ContainerdImageService;
  private readonly client: CriClient;
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  /** Last seen state per container id, for event synthesis. */
  private known = new Map<string, { state: string; podSandboxId: string }>();
  /** pids.max to write once a created container has started (its cgroup exists only then). */
  private readonly pendingPidsLimits = new Map<string, number>();

  constructor(private readonly options: ContainerdRuntimeOptions) {
    this.client = new CriClient({ endpoint: options.socket });
    this.images = new ContainerdImageService({ client: this.client, socket: options.socket });
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string }> {
    const v = await this.client.call<VersionResponse>("Version", { version: "v1" });
    return { runtimeName: v.runtimeName, runtimeVersion: v.runtimeVersion };
  }

  async status(): Promise<RuntimeStatus> {
    const res = await this.client.call<StatusResponse>("Status", {});
    const conditions = res.status?.conditions ?? [];
    const runtime = conditions.find((c) => c.type === "RuntimeReady");
    const network = conditions.find((c) => c.type === "NetworkReady");
    const notReady = [runtime, network].filter((c) => c && !c.status).map((c) => `${c?.type}: ${c?.message}`);
    return {
      runtimeReady: runtime?.status ?? false,
      networkReady: network?.status ?? false,
      message: notReady.length > 0 ? notReady.join("; ") : undefined,
    };
  }

  async updateRuntimeConfig(config: { podCidr: string }): Promise<void> {
    if (this.options.cniConfDir && this.options.network) {
      writeCniConflist(this.options.cniConfDir, { ...this.options.network, podCidr: config.podCidr });
    }
    await this.client.call("UpdateRuntimeConfig", {
      runtimeConfig: { networkConfig: { podCidr: config.podCidr } },
    });
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const res = await this.client.call<{ podSandboxId: string }>("RunPodSandbox", {
      config: criSandboxConfig(config),
    });
    return res.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    try {
      await this.client.call("StopPodSandbox", { podSandboxId });
    } catch (err) {
      if (!(err instanceof RuntimeNotFoundError)) throw err;
    }
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    let cgroupParent = "";
    try {
      const res = await this.client.call<PodSandboxStatusResponse>("PodSandboxStatus", {
        podSandboxId,
        verbose: true,
      });
      cgroupParent = verboseInfo(res.info).config?.linux?.cgroup_parent ?? "";
    } catch (err) {
      if (err instanceof RuntimeNotFoundError) return;
      throw err;
    }
    await this.client.call("RemovePodSandbox", { podSandboxId });
    // containerd leaves the pod's cgroup parent behind (RUNTIME.md).
    if (cgroupParent) removeCgroup(cgroupParent);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const res = await this.client.call<PodSandboxStatusResponse>("PodSandboxStatus", { podSandboxId });
    if (!res.status) throw new RuntimeNotFoundError(`pod sandbox ${podSandboxId} not found`);
    return sandboxFromCri(res.status);
  }

  async listPodSandboxes(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]> {
    const res = await this.client.call<ListPodSandboxResponse>("ListPodSandbox", {
      filter: { id: filter?.id ?? "", state: filter?.state ? { state: filter.state } : undefined },
    });
    // The list carries no IPs; the kubelet needs them, so ask each sandbox (one call each, in parallel).
    const statuses = await Promise.all(
      res.items.map((s) => this.podSandboxStatus(s.id).catch(() => sandboxFromCri(s))),
    );
    return statuses;
  }

  async createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
  ): Promise<string> {
    const res = await this.client.call<{ containerId: string }>("CreateContainer", {
      podSandboxId,
      config: criContainerConfig(config),
      sandboxConfig: criSandboxConfig(sandboxConfig),
    });
    const pidsLimit = config.linux?.resources?.pidsLimit;
    if (pidsLimit !== undefined) this.pendingPidsLimits.set(res.containerId, pidsLimit);
    return res.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.client.call("StartContainer", { containerId });
    const pidsLimit = this.pendingPidsLimits.get(containerId);
    if (pidsLimit === undefined) return;
    this.pendingPidsLimits.delete(containerId);
    // CRI carries pids.max only as cgroup v2 `unified`; on v1 hosts write it into the container's cgroup.
    const res = await this.client.call<ContainerStatusResponse>("ContainerStatus", {
      containerId,
      verbose: true,
    });
    const cgroupsPath = verboseInfo(res.info).runtimeSpec?.linux?.cgroupsPath;
    if (cgroupsPath && !cgroupsPath.includes(":")) writePidsLimit(cgroupsPath, pidsLimit);
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.client.call(
        "StopContainer",
        { containerId, timeout: timeoutSeconds },
        (timeoutSeconds + 60) * 1000,
      );
    } catch (err) {
      if (!(err instanceof RuntimeNotFoundError)) throw err;
    }
  }

  async removeContainer(containerId: string): Promise<void> {
    this.pendingPidsLimits.delete(containerId);
    try {
      await this.client.call("RemoveContainer", { containerId });
    } catch (err) {
      if (!(err instanceof RuntimeNotFoundError)) throw err;
    }
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const res = await this.client.call<ContainerStatusResponse>("ContainerStatus", {
      containerId,
      verbose: true,
    });
    if (!res.status) throw new RuntimeNotFoundError(`container ${containerId} not found`);
    return containerStatusFromCri(res.status, verboseInfo(res.info).sandboxID ?? "");
  }

  async listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]> {
    const res = await this.client.call<ListContainersResponse>("ListContainers", {
      filter: {
        id: filter?.id ?? "",
        podSandboxId: filter?.podSandboxId ?? "",
        state: filter?.state ? { state: filter.state } : undefined,
      },
    });
    // Listings lack start/finish times, exit codes and reasons: complete each from its status.
    return Promise.all(
      res.containers.map(async (c) => {
        try {
          const s = await this.client.call<ContainerStatusResponse>("ContainerStatus", { containerId: c.id });
          return s.status ? containerStatusFromCri(s.status, c.podSandboxId) : containerFromCri(c);
        } catch {
          return containerFromCri(c);
        }
      }),
    );
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    try {
      const res = await this.client.call<ExecSyncResponse>(
        "ExecSync",
        { containerId, cmd, timeout: timeoutSeconds },
        (timeoutSeconds + 30) * 1000,
      );
      return { stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode, timedOut: false };
    } catch (err) {
      // containerd answers DeadlineExceeded when the command outlives its timeout.
      if (err instanceof CriError && err.code === 4) {
        return { stdout: Buffer.alloc(0), stderr: Buffer.from(err.message), exitCode: -1, timedOut: true };
      }
      throw err;
    }
  }

  async exec(containerId: string, options: StreamOptions & { cmd: string[] }): Promise<StreamSession> {
    if (!options.tty) {
      await this.runningContainer(containerId);
      return runcExec({
        ...options,
        containerId,
        runcRoot: this.options.runcRoot ?? "/run/containerd/runc/k8s.io",
      });
    }
    const { url } = await this.client.call<StreamUrlResponse>("Exec", {
      containerId,
      cmd: options.cmd,
      tty: true,
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: false,
    });
    return openRemoteCommand(url, { ...options, stderr: false });
  }

  async attach(containerId: string, options: StreamOptions): Promise<StreamSession> {
    const { url } = await this.client.call<StreamUrlResponse>("Attach", {
      containerId,
      stdin: options.stdin,
      tty: options.tty,
      stdout: options.stdout,
      stderr: options.stderr && !options.tty,
    });
    return openRemoteCommand(url, options);
  }

  async portForward(podSandboxId: string, port: number): Promise<Duplex> {
    const res = await this.client.call<PodSandboxStatusResponse>("PodSandboxStatus", {
      podSandboxId,
      verbose: true,
    });
    const pid = verboseInfo(res.info).pid;
    if (!pid || res.status?.state !== "SANDBOX_READY") {
      throw new RuntimeNotFoundError(`pod sandbox ${podSandboxId} is not running`);
    }
    return connectInNetns({ pid, port });
  }

  private async runningContainer(containerId: string): Promise<void> {
    const status = await this.containerStatus(containerId);
    if (status.state !== "CONTAINER_RUNNING") {
      throw new RuntimeNotFoundError(`container ${containerId} is not running`);
    }
  }

  async listContainerStats(filter?: ContainerFilter): Promise<ContainerStats[]> {
    const res = await this.client.call<ListContainerStatsResponse>("ListContainerStats", {
      filter: { id: filter?.id ?? "", podSandboxId: filter?.podSandboxId ?? "" },
    });
    const sandboxOf = new Map<string, string>();
    if (res.stats.length > 0) {
      const list = await this.client.call<ListContainersResponse>("ListContainers", {
        filter: { id: filter?.id ?? "", podSandboxId: filter?.podSandboxId ?? "" },
      });
      for (const c of list.containers) sandboxOf.set(c.id, c.podSandboxId);
    }
    return res.stats.map((s) => ({
      containerId: s.attributes?.id ?? "",
      podSandboxId: sandboxOf.get(s.attributes?.id ?? "") ?? "",
      timestamp: nanosToMillis(s.cpu?.timestamp ?? s.memory?.timestamp),
      cpuUsageCoreNanoSeconds: int64(s.cpu?.usageCoreNanoSeconds),
      memoryWorkingSetBytes: int64(s.memory?.workingSetBytes),
      memoryUsageBytes: int64(s.memory?.usageBytes),
    }));
  }

  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.poller) {
      this.poller = setInterval(() => void this.pollEvents(), this.options.eventPollMs ?? 1000);
      this.poller.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.poller) {
        clearInterval(this.poller);
        this.poller = undefined;
      }
    };
  }

  private async pollEvents(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const res = await this.client.call<ListContainersResponse>("ListContainers", { filter: {} });
      const now = Date.now();
      const seen = new Map<string, { state: string; podSandboxId: string }>();
      const emit = (containerId: string, podSandboxId: string, type: ContainerEventType): void => {
        for (const l of this.listeners) l({ containerId, podSandboxId, type, createdAt: now });
      };
      for (const c of res.containers) {
        seen.set(c.id, { state: c.state, podSandboxId: c.podSandboxId });
        const before = this.known.get(c.id)?.state;
        if (before === c.state) continue;
        if (before === undefined) emit(c.id, c.podSandboxId, "CONTAINER_CREATED_EVENT");
        if (c.state === "CONTAINER_RUNNING") emit(c.id, c.podSandboxId, "CONTAINER_STARTED_EVENT");
        if (c.state === "CONTAINER_EXITED") emit(c.id, c.podSandboxId, "CONTAINER_STOPPED_EVENT");
      }
      for (const [id, c] of this.known)
        if (!seen.has(id)) emit(id, c.podSandboxId, "CONTAINER_DELETED_EVENT");
      this.known = seen;
    } catch {
      // containerd restarting: the next poll sees the difference.
    } finally {
      this.polling = false;
    }
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    this.listeners.clear();
    this.client.close();
    await this.options.onClose?.();
  }
}

function writePidsLimit(cgroupPath: string, limit: number): void {
  try {
    writeFileSync(join("/sys/fs/cgroup/pids", cgroupPath, "pids.max"), String(limit));
  } catch {
    // No pids hierarchy (cgroup v2 hosts get it through `unified`), or the container already exited.
  }
}
