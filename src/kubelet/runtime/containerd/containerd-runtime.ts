// The Runtime interface over CRI v1 to containerd: sandbox and container lifecycle, status, stats,
// execSync for probes, the CNI conflist on updateRuntimeConfig, pod cgroup cleanup after removal,
// and container events synthesised by polling (containerd 1.6 has no GetContainerEvents).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { status as grpcStatus } from "@grpc/grpc-js";
import {
  type ContainerConfig,
  type ContainerEvent,
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
import { containerStatusFromCri, criContainerConfig, criSandboxConfig, sandboxFromCri } from "./convert.ts";
import { CriClient, CriError } from "./cri-client.ts";
import {
  type ContainerStatusResponse,
  type ExecSyncResponse,
  int64,
  type ListContainerStatsResponse,
  type ListContainersResponse,
  nanosToMillis,
  type PodSandboxStatusResponse,
  type StatusResponse,
  type StreamUrlResponse,
  type VersionResponse,
} from "./cri-types.ts";
import { ContainerEventPoller } from "./events.ts";
import { ContainerdImageService } from "./images.ts";
import { CriListing } from "./listing.ts";
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
  private readonly events: ContainerEventPoller;
  private readonly listing: CriListing;
  /** pids.max to write once a created container has started (its cgroup exists only then). */
  private readonly pendingPidsLimits = new Map<string, number>();

  constructor(private readonly options: ContainerdRuntimeOptions) {
    this.client = new CriClient({ endpoint: options.socket });
    this.images = new ContainerdImageService({ client: this.client, socket: options.socket });
    this.listing = new CriListing(this.client);
    this.events = new ContainerEventPoller({
      list: async () =>
        (await this.client.call<ListContainersResponse>("ListContainers", { filter: {} })).containers,
      pollMs: options.eventPollMs,
    });
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
    this.listing.forgetSandbox(podSandboxId);
    // containerd leaves the pod's cgroup parent behind (RUNTIME.md).
    if (cgroupParent) removeCgroup(cgroupParent);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const res = await this.client.call<PodSandboxStatusResponse>("PodSandboxStatus", { podSandboxId });
    if (!res.status) throw new RuntimeNotFoundError(`pod sandbox ${podSandboxId} not found`);
    return sandboxFromCri(res.status);
  }

  listPodSandboxes(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]> {
    return this.listing.sandboxes(filter);
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
    // CRI carries pids.max only as cgroup v2 `unified` (refused on v1): write it into the container's cgroup.
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

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.client.call("ReopenContainerLog", { containerId });
  }

  async removeContainer(containerId: string): Promise<void> {
    this.pendingPidsLimits.delete(containerId);
    this.listing.forgetContainer(containerId);
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

  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]> {
    return this.listing.containers(filter);
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
      if (err instanceof CriError && err.code === grpcStatus.DEADLINE_EXCEEDED) {
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
    return this.events.subscribe(listener);
  }

  async close(): Promise<void> {
    this.events.close();
    this.client.close();
    await this.options.onClose?.();
  }
}

function writePidsLimit(cgroupsPath: string, limit: number): void {
  // cgroup v2 has one hierarchy at /sys/fs/cgroup; v1 has the pids controller's own.
  const hierarchy = existsSync("/sys/fs/cgroup/cgroup.controllers")
    ? "/sys/fs/cgroup"
    : "/sys/fs/cgroup/pids";
  try {
    writeFileSync(join(hierarchy, cgroupsPath, "pids.max"), String(limit));
  } catch {
    // No pids controller, or the container already exited and its cgroup is gone.
  }
}
