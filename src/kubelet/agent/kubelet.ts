// The node agent: registers its Node and keeps it fresh, watches the pods bound to it and runs
// each through the level-triggered pod worker on ANY Runtime; runtime events plus a periodic
// relist (PLEG) and probe results requeue pods; housekeeping removes what the API no longer has.

import { readFileSync } from "node:fs";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Event, Node, Pod, Secret } from "kubernetes-types/core/v1.js";
import { EventRecorder } from "../../client/events.ts";
import { Informer } from "../../client/informer/informer.ts";
import type { RestClient } from "../../client/rest.ts";
import { WorkQueue } from "../../client/workqueue/queue.ts";
import { type Clock, TimerQueue } from "../clock.ts";
import { ContainerLogManager, type LogRotationPolicy } from "../logs/rotation.ts";
import type { AgentNodeSpec } from "../node/agent-node.ts";
import { hostCapacity, hostInfo } from "../node/host.ts";
import { BackOff } from "../pod/backoff.ts";
import { parseResolvConf, podUidLabel } from "../pod/sandbox-config.ts";
import { fakeRuntimeName } from "../runtime/fake/fake-runtime.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { VolumeManager } from "../volumes/manager.ts";
import { AgentApi, resources } from "./api.ts";
import { ContainerRunner } from "./containers.ts";
import { ImageManager } from "./images.ts";
import { NodeStatusManager } from "./node-status.ts";
import { PodStartTracker } from "./pod-start.ts";
import { PodWorker } from "./pod-worker.ts";
import { DefaultProbeRunner, type ProbeRunner } from "./probe-runner.ts";
import { Prober } from "./prober.ts";
import {
  type EvictionConfig,
  evictionPass,
  type ImageGcConfig,
  imageCollector,
  type ReclaimContext,
} from "./reclaim.ts";
import { serviceEnvFor } from "./service-env.ts";
import { isMirrorPod, StaticPodSource } from "./static-pods.ts";
import type { PodVolumes } from "./types.ts";

export interface KubeletOptions {
  client: RestClient;
  runtime: Runtime;
  nodeName: string;
  dataDir: string;
  /** Default: a VolumeManager under `<dataDir>/pods`. */
  volumes?: PodVolumes;
  /** Node IP (default: the host's first non-loopback IPv4). */
  nodeIP?: string;
  /** Port of the kubelet server, advertised in the Node's daemonEndpoints (default 10250). */
  kubeletPort?: number;
  /** Pod CIDR used when the Node has no spec.podCIDR. */
  podCidr?: string;
  /** Cluster DNS address (10th IP of the service CIDR) and domain (default cluster.local). */
  clusterDNS?: string;
  clusterDomain?: string;
  /** Default: wall clock with one timer queue. */
  clock?: Clock;
  /** Probe executor (default: exec via the runtime, HTTP/TCP/gRPC from the host). */
  probeRunner?: ProbeRunner;
  /** First restart back-off (default 10 s) and its cap (5 min). */
  backOffMs?: number;
  maxBackOffMs?: number;
  /** Periodic relist of runtime containers (default 2 s) and housekeeping (default 10 s). */
  relistMs?: number;
  housekeepingMs?: number;
  /** Node status checks (default 10 s). */
  statusUpdateMs?: number;
  /** Pod sync workers (default 16: sandbox creation waits on the runtime, so pods start in parallel). */
  workers?: number;
  labels?: Record<string, string>;
  /** Directory of static pod manifests (--pod-manifest-path). */
  staticPodPath?: string;
  /** cgroupfs root of pod cgroups (default /skiff/kubepods). */
  cgroupRoot?: string;
  /** Image garbage collection by disk usage (the kubelet's ImageGCManager); absent: off. */
  imageGc?: ImageGcConfig;
  /** Node-pressure eviction at hard thresholds (the kubelet's eviction manager); absent: off. */
  eviction?: EvictionConfig;
  /** Container log rotation (the kubelet's container log manager); absent: off. */
  containerLogs?: LogRotationPolicy & { periodMs?: number };
  onError?: (err: unknown, what: string) => void;
  onReadyChange?: (ready: boolean, message: string) => void;
}

export class Kubelet {
  readonly clock: Clock;
  private readonly ownClock: TimerQueue | undefined;
  private readonly queue = new WorkQueue<string>();
  private readonly informer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly prober: Prober;
  private readonly events: EventRecorder;
  private readonly staticPods: StaticPodSource | undefined;
  private readonly api: AgentApi;
  private nodeStatus: NodeStatusManager | undefined;
  private volumes: PodVolumes | undefined;
  private worker: PodWorker | undefined;
  private workers: Promise<void>[] = [];
  /** Workers inside a sync. */
  private busy = 0;
  private runner: ContainerRunner | undefined;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private stopping = false;
  /** Sandbox id → pod key, for runtime events. */
  private readonly sandboxKeys = new Map<string, string>();
  /** Container id → state, from the last relist. */
  private lastStates = new Map<string, string>();
  private readonly readyWaiters: (() => void)[] = [];
  private readonly podStarts = new PodStartTracker();

  constructor(private readonly o: KubeletOptions) {
    this.ownClock = o.clock ? undefined : new TimerQueue({ onError: (err) => this.error(err, "timer") });
    this.clock = o.clock ?? (this.ownClock as TimerQueue);
    this.informer = new Informer<Pod>({
      client: o.client.resource<Pod>(resources.pods),
      fieldSelector: `spec.nodeName=${o.nodeName}`,
      resyncPeriodMs: 30_000,
      onError: (err) => this.error(err, "pod informer"),
    });
    this.informer.addEventHandler({
      onAdd: (pod) => this.enqueue(pod),
      onUpdate: (_old, pod) => this.enqueue(pod),
      onDelete: (pod) => this.enqueue(pod),
    });
    this.nodeInformer = new Informer<Node>({
      client: o.client.resource<Node>(resources.nodes),
      fieldSelector: `metadata.name=${o.nodeName}`,
      onError: (err) => this.error(err, "node informer"),
    });
    this.nodeInformer.addEventHandler({
      onAdd: (node) => this.observeNode(node),
      onUpdate: (_old, node) => this.observeNode(node),
    });
    this.prober = new Prober({
      clock: this.clock,
      runner: o.probeRunner ?? new DefaultProbeRunner(o.runtime),
      onChange: (key) => this.queue.add(key),
    });
    this.staticPods = o.staticPodPath
      ? new StaticPodSource({
          dir: o.staticPodPath,
          nodeName: o.nodeName,
          onChange: (keys) => {
            for (const k of keys) this.queue.add(k);
          },
          onError: (err, what) => this.error(err, what),
        })
      : undefined;
    this.api = new AgentApi({
      client: o.client,
      nodeName: o.nodeName,
      pods: this.informer,
      nodes: this.nodeInformer,
      staticPods: this.staticPods,
    });
    this.events = new EventRecorder({
      events: o.client.resource<Event>(resources.events),
      component: "kubelet",
      host: o.nodeName,
      onError: (err) => this.error(err, "event"),
    });
  }

  private error(err: unknown, what: string): void {
    if (!this.stopping) this.o.onError?.(err, what);
  }

  private observeNode(node: Node): void {
    this.nodeStatus?.observeNode(node).catch((err: unknown) => this.error(err, "pod CIDR"));
  }

  private enqueue(pod: Pod): void {
    this.podStarts.observe(pod);
    this.queue.add(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
  }

  get nodeName(): string {
    return this.o.nodeName;
  }

  get ready(): boolean {
    return this.nodeStatus?.isReady ?? false;
  }

  /** Resolves once the node is Ready (or the agent stops). */
  waitReady(): Promise<void> {
    if (this.ready || this.stopping) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  /** The pods bound to this node as last seen (the kubelet server's /pods). */
  pods(): Pod[] {
    return this.informer.indexer.list();
  }

  async start(): Promise<void> {
    const o = this.o;
    const version = await o.runtime.version();
    const capacity = hostCapacity(o.dataDir);
    const info = hostInfo(o.nodeIP ? { nodeIP: o.nodeIP } : {});
    const spec: AgentNodeSpec = {
      name: o.nodeName,
      capacity,
      info,
      runtimeVersion: `${version.runtimeName}://${version.runtimeVersion}`,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.kubeletPort !== undefined ? { kubeletPort: o.kubeletPort } : {}),
    };
    this.nodeStatus = new NodeStatusManager({
      nodes: o.client.resource<Node>(resources.nodes),
      leases: o.client.resource<Lease>(resources.leases),
      runtime: o.runtime,
      clock: this.clock,
      spec,
      dataDir: o.dataDir,
      ...(o.podCidr ? { podCidr: o.podCidr } : {}),
      ...(o.statusUpdateMs ? { statusUpdateMs: o.statusUpdateMs } : {}),
      ...(o.eviction?.thresholds ? { thresholds: o.eviction.thresholds } : {}),
      ...(o.eviction?.observe ? { observe: o.eviction.observe } : {}),
      onError: (err, what) => this.error(err, what),
      onReadyChange: (ready, message) => {
        if (ready) for (const w of this.readyWaiters.splice(0)) w();
        o.onReadyChange?.(ready, message);
      },
    });
    const registered = await this.nodeStatus.register();
    const allocatable = (registered.status?.allocatable ?? {}) as Record<string, string>;
    const backOff = new BackOff({
      clock: this.clock,
      ...(o.backOffMs ? { initialMs: o.backOffMs } : {}),
      ...(o.maxBackOffMs ? { maxMs: o.maxBackOffMs } : {}),
    });
    const event = (pod: Pod, type: "Normal" | "Warning", reason: string, message: string): void =>
      this.events.event({ apiVersion: "v1", kind: "Pod", ...pod }, type, reason, message);
    const objects = this.api.objects();
    const images = new ImageManager({
      images: o.runtime.images,
      backOff,
      event: (pod, type, reason, message) => event(pod, type, reason, message),
      pullSecrets: async (pod) => {
        const out: Secret[] = [];
        for (const ref of pod.spec?.imagePullSecrets ?? []) {
          const s = await objects.secret(pod.metadata?.namespace ?? "", ref.name ?? "");
          if (s) out.push(s);
        }
        return out;
      },
    });
    let resolv = { servers: [] as string[], searches: [] as string[], options: [] as string[] };
    try {
      resolv = parseResolvConf(readFileSync("/etc/resolv.conf", "utf8"));
    } catch {
      // No resolv.conf: dnsPolicy Default gets an empty config.
    }
    const services = o.client.resource(resources.services);
    this.volumes =
      o.volumes ??
      new VolumeManager({
        dataDir: o.dataDir,
        objects,
        allocatable,
        tokens: this.api.tokens(),
        event: (pod, type, reason, message) => event(pod, type, reason, message),
      });
    this.runner = new ContainerRunner({
      runtime: o.runtime,
      clock: this.clock,
      images,
      objects,
      allocatable,
      memoryCapacityBytes: capacity.memoryBytes,
      hooks: o.probeRunner ?? new DefaultProbeRunner(o.runtime),
      event,
      serviceEnv: (pod) => serviceEnvFor(services, pod.metadata?.namespace ?? "default"),
    });
    this.worker = new PodWorker({
      hostIP: info.internalIP,
      runtime: o.runtime,
      runtimeName: version.runtimeName,
      clock: this.clock,
      sandbox: {
        clusterDomain: o.clusterDomain ?? "cluster.local",
        ...(o.clusterDNS ? { clusterDNS: o.clusterDNS } : {}),
        hostDNS: resolv,
        podLogsRoot: `${o.dataDir}/pods-logs`,
        ...(o.cgroupRoot ? { cgroupRoot: o.cgroupRoot } : {}),
      },
      containers: this.runner,
      volumes: this.volumes,
      prober: this.prober,
      backOff,
      api: {
        patchStatus: (pod, status) => this.api.patchStatus(pod, status),
        deleteNow: (pod) => this.api.deleteNow(pod),
      },
      event,
      wake: (key, at) => {
        this.clock.at(at, () => this.queue.add(key));
      },
    });
    await this.nodeStatus.update(false);
    this.nodeStatus.start();
    this.nodeInformer.start();
    this.unsubscribe = o.runtime.onContainerEvent((e) => {
      const key = this.sandboxKeys.get(e.podSandboxId);
      if (key) this.queue.add(key);
      else void this.relist();
    });
    this.informer.start();
    await this.informer.waitForSync();
    this.staticPods?.start();
    await this.relist();
    for (let i = 0; i < (o.workers ?? 16); i++) this.workers.push(this.work());
    // Pods deleted from the API while the agent was down are orphans now: clean them up at once.
    void this.housekeeping();
    this.timers.push(
      setInterval(() => void this.relist(), o.relistMs ?? 2000),
      setInterval(() => void this.housekeeping(), o.housekeepingMs ?? 10_000),
    );
    if (o.containerLogs) {
      const logs = new ContainerLogManager({
        ...o.containerLogs,
        runtime: o.runtime,
        onError: (err, what) => this.error(err, what),
      });
      this.timers.push(setInterval(() => void logs.rotateAll(), o.containerLogs.periodMs ?? 10_000));
    }
    const reclaim: ReclaimContext = {
      runtime: o.runtime,
      dataDir: o.dataDir,
      stopping: () => this.stopping,
      error: (err, what) => this.error(err, what),
      activePods: () =>
        this.informer.indexer
          .list()
          .filter(
            (p) =>
              p.status?.phase !== "Succeeded" &&
              p.status?.phase !== "Failed" &&
              !p.metadata?.deletionTimestamp,
          ),
      evict: (pod, message) => {
        const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
        if (!this.worker?.markEvicted(key, message)) return false;
        this.events.event({ apiVersion: "v1", kind: "Pod", ...pod }, "Warning", "Evicted", message);
        this.queue.add(key);
        return true;
      },
    };
    const collectImages = o.imageGc ? imageCollector(reclaim, o.imageGc) : undefined;
    if (collectImages)
      this.timers.push(setInterval(() => void collectImages(), o.imageGc?.periodMs ?? 300_000));
    if (o.eviction) {
      const evict = evictionPass(reclaim, o.eviction, collectImages);
      this.timers.push(setInterval(() => void evict(), o.eviction.periodMs ?? 10_000));
    }
  }

  /**
   * Lets the workers finish the queued and in-flight syncs (so a pod deleted just before the stop
   * is cleaned up), except those waiting out a termination grace period: the agent does not wait
   * for those (its containers keep running with their signal; the next start stops them again),
   * as a kubelet restart does not.
   */
  private async drain(): Promise<void> {
    let finished = false;
    const all = Promise.all(this.workers).then(() => {
      finished = true;
    });
    const onlyGraceWaits = () => this.queue.len() === 0 && this.busy <= (this.runner?.gracefulStops ?? 0);
    while (!finished && !onlyGraceWaits()) {
      let tick: NodeJS.Timeout | undefined;
      await Promise.race([
        all,
        new Promise((r) => {
          tick = setTimeout(r, 50);
        }),
      ]);
      clearTimeout(tick);
    }
  }

  /** PLEG: lists containers and requeues the pods whose containers changed state. */
  async relist(): Promise<void> {
    if (this.stopping) return;
    try {
      const sandboxes = await this.o.runtime.listPodSandboxes();
      const live = new Set(sandboxes.map((s) => s.id));
      for (const id of this.sandboxKeys.keys()) if (!live.has(id)) this.sandboxKeys.delete(id);
      for (const s of sandboxes) {
        const ns = s.labels["io.kubernetes.pod.namespace"] ?? s.metadata.namespace;
        const name = s.labels["io.kubernetes.pod.name"] ?? s.metadata.name;
        this.sandboxKeys.set(s.id, `${ns}/${name}`);
      }
      const next = new Map<string, string>();
      for (const c of await this.o.runtime.listContainers()) {
        next.set(c.id, c.state);
        if (this.lastStates.get(c.id) !== c.state) {
          const key = this.sandboxKeys.get(c.podSandboxId);
          if (key) this.queue.add(key);
        }
      }
      this.lastStates = next;
    } catch (err) {
      this.error(err, "relist");
    }
  }

  private runtimeName: string | undefined;

  /** Removes sandboxes, volume dirs and cgroups of pods the API no longer binds here. */
  async housekeeping(): Promise<void> {
    const worker = this.worker;
    if (this.stopping || !worker || !this.informer.hasSynced()) return;
    try {
      const known = new Set(this.informer.indexer.list().map((p) => p.metadata?.uid ?? ""));
      for (const p of this.staticPods?.pods() ?? []) known.add(p.metadata?.uid ?? "");
      for (const key of worker.keys()) known.add(worker.uidOf(key) ?? "");
      const orphans = new Set<string>();
      const withSandbox = new Set<string>();
      for (const s of await this.o.runtime.listPodSandboxes()) {
        const uid = s.labels[podUidLabel] ?? s.metadata.uid;
        withSandbox.add(uid);
        if (uid && !known.has(uid)) orphans.add(uid);
      }
      for (const uid of (await this.volumes?.podsOnDisk()) ?? []) if (!known.has(uid)) orphans.add(uid);
      for (const uid of orphans) await worker.removeOrphan(uid);
      // Like the kubelet's orphaned pod cgroup clean-up: a sandbox that failed half-way, or one
      // whose processes were still leaving when it was removed, can leave an empty pod cgroup.
      this.runtimeName ??= (await this.o.runtime.version()).runtimeName;
      if (this.runtimeName !== fakeRuntimeName)
        worker.removeOrphanCgroups((uid) => known.has(uid) || (withSandbox.has(uid) && !orphans.has(uid)));
    } catch (err) {
      this.error(err, "housekeeping");
    }
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      this.busy++;
      try {
        await this.syncKey(key);
        this.queue.forget(key);
      } catch (err) {
        this.error(err, `pod ${key}`);
        if (!this.stopping) this.queue.addRateLimited(key);
      } finally {
        this.busy--;
        this.queue.done(key);
      }
    }
  }

  /** A pod from the API, or a static pod (whose mirror in the API is kept in step). */
  private async syncKey(key: string): Promise<void> {
    const apiPod = this.informer.indexer.get(key);
    const staticPod = this.staticPods?.get(key);
    if (staticPod) {
      await this.api.syncMirror(staticPod, apiPod);
      await this.worker?.sync(key, staticPod);
      return;
    }
    if (isMirrorPod(apiPod) && apiPod) {
      // Its manifest is gone: the pod stops and its mirror goes.
      await this.worker?.sync(key, undefined);
      await this.api.deleteNow(apiPod);
      return;
    }
    await this.worker?.sync(key, apiPod);
  }

  /** Stops syncing and heartbeats; containers keep running (a restarted agent re-adopts them). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const w of this.readyWaiters.splice(0)) w();
    for (const t of this.timers) clearInterval(t);
    this.staticPods?.stop();
    this.unsubscribe?.();
    this.nodeStatus?.stop();
    await this.informer.stop();
    await this.nodeInformer.stop();
    this.queue.shutDown();
    await this.drain();
    this.worker?.close();
    this.prober.stop();
    await this.events.stop();
    this.ownClock?.stop();
  }
}

export { resources };
