// RuncRuntime: CRI-shaped calls served by runc (or crun) directly, with conmon per container, CNI
// for the pod network and Skiff's image store for root filesystems. Open it with openRuncRuntime (open.ts).
import { existsSync, type FSWatcher, watch } from "node:fs";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { UnpackedImage } from "../../images/store.ts";
import type { CniNetwork } from "../../network/cni.ts";
import type {
  ContainerConfig,
  ContainerEvent,
  ContainerEventType,
  ContainerFilter,
  ContainerStats,
  ContainerStatus,
  ExecSyncResult,
  ImageService,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
  Runtime,
  RuntimeStatus,
  StreamOptions,
  StreamSession,
} from "../runtime.ts";
import { RuntimeNotFoundError, RuntimeUnsupportedError } from "../runtime.ts";
import { attachToLog, closeConmonStdin, openContainerStdin } from "./attach.ts";
import { cgroupUsage } from "./cgroups.ts";
import { reopenConmonLog } from "./conmon.ts";
import * as containers from "./containers.ts";
import type { OciCli, OciRuntimeName } from "./oci-cli.ts";
import {
  createSandbox,
  destroySandbox,
  detachNetwork,
  type SandboxEnv,
  sandboxNetnsPath,
} from "./sandboxes.ts";
import {
  type ContainerRecord,
  RecordStore,
  type SandboxRecord,
  toContainerStatus,
  toSandboxStatus,
} from "./state.ts";
import { execStream, execSync, portForward } from "./streams.ts";

/** An image service that can also hand out an image's unpacked root filesystem (Skiff's ImageStore). */
export interface RootfsImageService extends ImageService {
  rootfs(imageRef: string): Promise<UnpackedImage>;
}

export interface RuncRuntimeParts {
  stateDir: string;
  images: RootfsImageService;
  network: CniNetwork;
  oci: OciCli;
  ociName: OciRuntimeName;
  conmonPath: string;
  exitDir: string;
  cgroupRoot: string;
}

export class RuncRuntime implements Runtime {
  readonly images: ImageService;
  readonly network: CniNetwork;
  readonly #parts: RuncRuntimeParts;
  readonly #sandboxEnv: SandboxEnv;
  readonly #containerEnv: containers.ContainerEnv;
  readonly #sandboxes = new Map<string, SandboxRecord>();
  readonly #containers = new Map<string, ContainerRecord>();
  readonly #sandboxRecords: RecordStore<SandboxRecord>;
  readonly #containerRecords: RecordStore<ContainerRecord>;
  readonly #listeners = new Set<(event: ContainerEvent) => void>();
  readonly #refreshing = new Map<string, Promise<void>>();
  #watcher: FSWatcher | undefined;

  constructor(parts: RuncRuntimeParts) {
    this.#parts = parts;
    this.images = parts.images;
    this.network = parts.network;
    this.#sandboxEnv = { stateDir: parts.stateDir, network: parts.network, cgroupRoot: parts.cgroupRoot };
    this.#containerEnv = {
      stateDir: parts.stateDir,
      exitDir: parts.exitDir,
      oci: parts.oci,
      conmonPath: parts.conmonPath,
      rootfsOf: (image) => parts.images.rootfs(image),
    };
    this.#sandboxRecords = new RecordStore(join(parts.stateDir, "records", "sandboxes"));
    this.#containerRecords = new RecordStore(join(parts.stateDir, "records", "containers"));
  }

  /** Loads the records an earlier process left and settles containers that exited meanwhile. */
  async adopt(): Promise<void> {
    await Promise.all([this.#sandboxRecords.init(), this.#containerRecords.init()]);
    for (const record of await this.#sandboxRecords.loadAll()) {
      this.#sandboxes.set(record.id, record);
      // A namespace that vanished (a host reboot) cannot hold the pod any more: the kubelet recreates it.
      const netns = sandboxNetnsPath(record);
      if (record.state === "SANDBOX_READY" && netns && !existsSync(netns)) {
        // networkAttached stays: CNI DEL tolerates a missing namespace and still releases the IP.
        record.state = "SANDBOX_NOTREADY";
        await this.#sandboxRecords.write(record);
      }
    }
    for (const record of await this.#containerRecords.loadAll()) {
      this.#containers.set(record.id, record);
      if (await containers.reconcileContainer(this.#containerEnv, record))
        await this.#containerRecords.write(record);
    }
    // An exit file appearing is a container stopping: events without polling (CRI GetContainerEvents).
    this.#watcher = watch(this.#parts.exitDir, (_type, name) => {
      const record = name ? this.#containers.get(name.toString()) : undefined;
      if (record) void this.#refresh(record).catch(() => {});
    });
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const record = await createSandbox(this.#sandboxEnv, config);
    this.#sandboxes.set(record.id, record);
    await this.#sandboxRecords.write(record);
    return record.id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const sandbox = this.#sandboxes.get(podSandboxId);
    if (!sandbox) return;
    await Promise.all(this.#containersOf(podSandboxId).map((c) => this.stopContainer(c.id, 0)));
    await detachNetwork(this.#sandboxEnv, sandbox);
    sandbox.state = "SANDBOX_NOTREADY";
    await this.#sandboxRecords.write(sandbox);
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    const sandbox = this.#sandboxes.get(podSandboxId);
    if (!sandbox) return;
    await this.stopPodSandbox(podSandboxId);
    for (const c of this.#containersOf(podSandboxId)) await this.removeContainer(c.id);
    await destroySandbox(this.#sandboxEnv, sandbox);
    this.#sandboxes.delete(podSandboxId);
    await this.#sandboxRecords.remove(podSandboxId);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    return toSandboxStatus(this.#sandbox(podSandboxId));
  }

  async listPodSandboxes(filter: PodSandboxFilter = {}): Promise<PodSandboxStatus[]> {
    const labels = Object.entries(filter.labelSelector ?? {});
    return [...this.#sandboxes.values()]
      .filter((s) => (!filter.id || s.id === filter.id) && (!filter.state || s.state === filter.state))
      .filter((s) => labels.every(([k, v]) => s.labels[k] === v))
      .map(toSandboxStatus);
  }

  async createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
  ): Promise<string> {
    const sandbox = this.#sandbox(podSandboxId);
    if (sandbox.state !== "SANDBOX_READY") throw new Error(`sandbox ${podSandboxId} is not ready`);
    const record = await containers.createContainer(
      this.#containerEnv,
      sandbox,
      config,
      sandboxConfig,
      await this.#targetPidNamespace(config),
    );
    this.#containers.set(record.id, record);
    await this.#containerRecords.write(record);
    try {
      await containers.createUnderMonitor(this.#containerEnv, record);
    } catch (err) {
      await this.removeContainer(record.id).catch(() => {});
      throw err;
    }
    this.#emit(record, "CONTAINER_CREATED_EVENT");
    return record.id;
  }

  /** pid mode TARGET: containers join namespaces by path, so the target's init names it. */
  async #targetPidNamespace(config: ContainerConfig): Promise<string | undefined> {
    const ns = config.linux?.securityContext?.namespaceOptions;
    if (ns?.pid !== "TARGET" || !ns.targetId) return undefined;
    const state = await this.#parts.oci.state(ns.targetId);
    if (state?.status !== "running" || state.pid <= 0)
      throw new Error(`target container ${ns.targetId} is not running`);
    return `/proc/${state.pid}/ns/pid`;
  }

  async startContainer(containerId: string): Promise<void> {
    const record = this.#container(containerId);
    if (record.state !== "CONTAINER_CREATED")
      throw new Error(`container ${containerId} is ${record.state}, not created`);
    // Taken before `runc start`: a short-lived container can exit before the command returns.
    const startedAt = Date.now();
    await this.#parts.oci.start(containerId);
    record.startedAt = startedAt;
    record.state = "CONTAINER_RUNNING";
    await this.#containerRecords.write(record);
    this.#emit(record, "CONTAINER_STARTED_EVENT");
    // A container that exited before its record said running is settled now, not at the next call.
    await this.#refresh(record);
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const record = this.#containers.get(containerId);
    if (!record) return;
    await this.#refresh(record);
    await containers.stopContainer(this.#containerEnv, record, timeoutSeconds);
    await this.#refresh(record);
  }

  /** conmon reopens its k8s-file log on a REOPEN_LOGS (2) message on its ctl fifo (as CRI-O asks). */
  async reopenContainerLog(containerId: string): Promise<void> {
    const record = this.#container(containerId);
    if (record.state !== "CONTAINER_RUNNING") throw new Error(`container ${containerId} is not running`);
    await reopenConmonLog(record.bundle);
  }

  async removeContainer(containerId: string): Promise<void> {
    const record = this.#containers.get(containerId);
    if (!record) return;
    await containers.removeContainerFiles(this.#containerEnv, record);
    this.#containers.delete(containerId);
    await this.#containerRecords.remove(containerId);
    this.#emit(record, "CONTAINER_DELETED_EVENT");
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const record = this.#container(containerId);
    await this.#refresh(record);
    return toContainerStatus(record);
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    const out: ContainerStatus[] = [];
    for (const record of this.#containers.values()) {
      if (filter.id && record.id !== filter.id) continue;
      if (filter.podSandboxId && record.podSandboxId !== filter.podSandboxId) continue;
      await this.#refresh(record);
      if (filter.state && record.state !== filter.state) continue;
      out.push(toContainerStatus(record));
    }
    return out;
  }

  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string }> {
    return { runtimeName: this.#parts.ociName, runtimeVersion: await this.#parts.oci.version() };
  }

  async status(): Promise<RuntimeStatus> {
    const networkReady = this.network.ready;
    return {
      runtimeReady: true,
      networkReady,
      ...(networkReady ? {} : { message: "network plugin not ready: no pod CIDR yet" }),
    };
  }

  async updateRuntimeConfig(config: { podCidr: string }): Promise<void> {
    if (config.podCidr === this.#podCidr()) return;
    await this.network.configure(config.podCidr);
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    this.#running(containerId);
    return execSync(this.#parts.oci, containerId, cmd, timeoutSeconds);
  }

  async exec(containerId: string, options: StreamOptions & { cmd: string[] }): Promise<StreamSession> {
    this.#running(containerId);
    if (options.tty && this.#parts.ociName === "crun") {
      // crun 1.8's foreground `exec --tty` wraps the terminal's output in its own log lines.
      throw new RuntimeUnsupportedError(
        "exec with a terminal needs runc (the crun runtime runs exec without tty only)",
      );
    }
    return execStream(this.#parts.oci, containerId, options.cmd, options);
  }

  async attach(containerId: string, options: StreamOptions): Promise<StreamSession> {
    const record = this.#running(containerId);
    // A container without stdin in its spec has /dev/null there: nothing to write into (as on CRI).
    // A stdinOnce container's stdin is closed after its first attach (later ones get none, as on CRI).
    const stdinPipe =
      options.stdin && record.stdin && !record.stdinClosed
        ? await openContainerStdin(join(record.bundle, "pid"))
        : undefined;
    const closeStdin = async () => {
      record.stdinClosed = true;
      await closeConmonStdin(record.bundle);
    };
    return attachToLog({
      ...options,
      logPath: record.logPath,
      exited: this.#exitCodeOf(record),
      ...(stdinPipe ? { stdinPipe } : {}),
      ...(stdinPipe && record.stdinOnce ? { closeStdin } : {}),
    });
  }

  /** Resolves once the container has exited (the exit-dir watcher emits the stop event). */
  #exitCodeOf(record: ContainerRecord): Promise<number> {
    return new Promise((resolve) => {
      const check = () => {
        if (record.state !== "CONTAINER_EXITED") return false;
        unsubscribe();
        resolve(record.exitCode);
        return true;
      };
      const unsubscribe = this.onContainerEvent((event) => {
        if (event.containerId === record.id) check();
      });
      if (!check()) void this.#refresh(record).then(check);
    });
  }

  async portForward(podSandboxId: string, port: number): Promise<Duplex> {
    const path = sandboxNetnsPath(this.#sandbox(podSandboxId));
    if (!path)
      throw new RuntimeUnsupportedError("port-forward to a host-network pod: connect to the node directly");
    return portForward(path, port);
  }

  async listContainerStats(filter: ContainerFilter = {}): Promise<ContainerStats[]> {
    const running = await this.listContainers({ ...filter, state: "CONTAINER_RUNNING" });
    return Promise.all(
      running.map(async (c) => {
        const record = this.#container(c.id);
        const usage = await cgroupUsage(record.cgroupsPath);
        return { containerId: c.id, podSandboxId: c.podSandboxId, timestamp: Date.now(), ...usage };
      }),
    );
  }

  async close(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#listeners.clear();
  }

  #podCidr(): string | undefined {
    const ipam = this.network.confList?.plugins[0]?.ipam as { ranges?: { subnet: string }[][] } | undefined;
    return ipam?.ranges?.[0]?.[0]?.subnet;
  }

  #containersOf(podSandboxId: string): ContainerRecord[] {
    return [...this.#containers.values()].filter((c) => c.podSandboxId === podSandboxId);
  }

  #sandbox(id: string): SandboxRecord {
    const record = this.#sandboxes.get(id);
    if (!record) throw new RuntimeNotFoundError(`pod sandbox ${id} not found`);
    return record;
  }

  #container(id: string): ContainerRecord {
    const record = this.#containers.get(id);
    if (!record) throw new RuntimeNotFoundError(`container ${id} not found`);
    return record;
  }

  #running(id: string): ContainerRecord {
    const record = this.#container(id);
    if (record.state !== "CONTAINER_RUNNING")
      throw new Error(`container ${id} is not running (${record.state})`);
    return record;
  }

  /** Settles an exit once, even when the exit-dir watcher and a status call race. */
  #refresh(record: ContainerRecord): Promise<void> {
    const pending = this.#refreshing.get(record.id);
    if (pending) return pending;
    const work = (async () => {
      if (await containers.refreshContainer(this.#containerEnv, record)) {
        if (this.#containers.has(record.id)) await this.#containerRecords.write(record);
        this.#emit(record, "CONTAINER_STOPPED_EVENT");
      }
    })().finally(() => this.#refreshing.delete(record.id));
    this.#refreshing.set(record.id, work);
    return work;
  }

  #emit(record: ContainerRecord, type: ContainerEventType): void {
    const event = { containerId: record.id, podSandboxId: record.podSandboxId, type, createdAt: Date.now() };
    for (const listener of this.#listeners) listener(event);
  }
}
