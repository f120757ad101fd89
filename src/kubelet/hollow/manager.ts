// Runs N hollow nodes in one process: registers them, keeps their leases and status fresh, and
// runs the pods bound to them on fake runtimes. One pod informer serves all nodes (pods with any
// spec.nodeName, routed by name), one workqueue and one timer queue, so 5,000 nodes stay cheap.
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node, Pod, PodStatus, Taint } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import { Quantity } from "../../api/quantity.ts";
import { dropManagedFields, Informer } from "../../client/informer/informer.ts";
import type { RestClient } from "../../client/rest.ts";
import { WorkQueue } from "../../client/workqueue/queue.ts";
import { TimerQueue } from "../clock.ts";
import { type NodeHeartbeat, nodeLeaseNamespace, type RegisteredNode } from "../node/heartbeat.ts";
import { ConcurrencyLimiter } from "../node/limiter.ts";
import { hollowLabel, labelsForIndex, type NodeResources } from "../node/node-object.ts";
import { FakeRuntime, fakeRuntimeName, fakeRuntimeVersion } from "../runtime/fake/fake-runtime.ts";
import { formatCidr, formatIpv4, PodIpAllocator, parseIpv4Cidr, subnet } from "../runtime/fake/ipam.ts";
import { HollowHeartbeat } from "./lease.ts";
import { PodWorker } from "./pod-worker.ts";
import { type HollowPodView, HollowStats } from "./stats.ts";
import {
  hollowStatsPortLabel,
  type RunningHollowStatsServer,
  startHollowStatsServer,
} from "./stats-server.ts";

export const nodesResource = { group: "", version: "v1", resource: "nodes", namespaced: false, kind: "Node" };
export const podsResource = { group: "", version: "v1", resource: "pods", namespaced: true, kind: "Pod" };
export const leasesResource = {
  group: "coordination.k8s.io",
  version: "v1",
  resource: "leases",
  namespaced: true,
  kind: "Lease",
};

export interface HollowNodeManagerOptions {
  client: RestClient;
  /** How many nodes. */
  count: number;
  /** Nodes are named `<prefix>-<index>` (default "hollow-node"). */
  namePrefix?: string;
  /** Index of the first node (default 0), so several sims can share a cluster. */
  firstIndex?: number;
  /** Defaults: cpu 4, memory 16Gi, pods 110, ephemeral-storage 100Gi. */
  resources?: Partial<NodeResources>;
  /** Extra labels; `{i}` / `{i%K}` in a value become the node index (mod K). */
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Pod CIDRs: one /24 per node by index (default 10.64.0.0/10: 16,384 nodes). */
  clusterCidr?: string;
  /** InternalIP addresses by index; never routed (default 10.192.0.0/16). */
  nodeAddressCidr?: string;
  /** A running container becomes ready after this long (default 0). */
  readyDelayMs?: number;
  leaseDurationSeconds?: number;
  leaseRenewMs?: number;
  statusReportMs?: number;
  /** First restart back-off (kubelet: 10 s). */
  restartBackOffMs?: number;
  /** API requests in flight at most (default 64). */
  concurrency?: number;
  /** Pod sync workers (default 32). */
  workers?: number;
  onError?: (err: unknown, what: string) => void;
  /**
   * Synthetic resource figures for the metrics API, served by one loopback listener for all nodes
   * (its port is the node label sim.skiff.dev/stats-port); absent: none.
   */
  stats?: HollowStatsConfig;
}

export interface HollowStatsConfig {
  /** Listener port (default 0: any free). */
  port?: number;
  /** The cluster CA (PEM) that signs the API server's kubelet-client certificate. */
  clientCa?: string;
  /** Share of each container's requests it uses without the skiff.dev/hollow-usage annotation (default 0.5). */
  requestFraction?: number;
}

interface HollowNode {
  registered: RegisteredNode;
  runtime: FakeRuntime;
  pods: PodWorker;
}

const isReason = (err: unknown, ...reasons: string[]): boolean =>
  err instanceof ApiError && reasons.includes(err.reason);

export class HollowNodeManager {
  private readonly clock = new TimerQueue({ onError: (err) => this.error(err, "timer") });
  private readonly limiter: ConcurrencyLimiter;
  private readonly heartbeat: NodeHeartbeat;
  private readonly nodes = new Map<string, HollowNode>();
  /** Pod key → node name, for pods that left the informer's cache. */
  private readonly podNode = new Map<string, string>();
  private readonly queue = new WorkQueue<string>();
  private readonly informer: Informer<Pod>;
  private workers: Promise<void>[] = [];
  private stopping = false;
  private statsServer: RunningHollowStatsServer | undefined;
  private stats: HollowStats | undefined;

  constructor(private readonly o: HollowNodeManagerOptions) {
    this.limiter = new ConcurrencyLimiter(o.concurrency ?? 64);
    this.heartbeat = new HollowHeartbeat({
      nodes: o.client.resource<Node>(nodesResource),
      leases: o.client.resource<Lease>(leasesResource),
      clock: this.clock,
      limiter: this.limiter,
      ...(o.leaseDurationSeconds ? { leaseDurationSeconds: o.leaseDurationSeconds } : {}),
      ...(o.leaseRenewMs ? { leaseRenewMs: o.leaseRenewMs } : {}),
      ...(o.statusReportMs ? { statusReportMs: o.statusReportMs } : {}),
      onError: (err, what) => this.error(err, what),
    });
    this.informer = new Informer<Pod>({
      client: o.client.resource<Pod>(podsResource),
      fieldSelector: "spec.nodeName!=",
      // Hollow kubelets patch status and delete by uid; they never write a cached pod back.
      transform: dropManagedFields,
      onError: (err) => this.error(err, "pod informer"),
    });
    this.informer.addEventHandler({
      onAdd: (pod) => this.enqueue(pod),
      onUpdate: (_old, pod) => this.enqueue(pod),
      onDelete: (pod) => this.enqueue(pod),
    });
  }

  private error(err: unknown, what: string): void {
    if (this.stopping) return;
    this.o.onError?.(err, what);
  }

  get nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  private enqueue(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || !this.nodes.has(nodeName)) return;
    this.queue.add(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
  }

  /** Registers every node (leases included), then starts heartbeats and pod sync. */
  async start(): Promise<void> {
    const o = this.o;
    const prefix = o.namePrefix ?? "hollow-node";
    const first = o.firstIndex ?? 0;
    const cluster = parseIpv4Cidr(o.clusterCidr ?? "10.64.0.0/10");
    const addresses = parseIpv4Cidr(o.nodeAddressCidr ?? "10.192.0.0/16");
    const resources: NodeResources = {
      cpu: "4",
      memory: "16Gi",
      pods: "110",
      ephemeralStorage: "100Gi",
      ...o.resources,
    };
    const statsLabels = o.stats ? await this.startStats(o.stats, resources.memory) : {};
    const indexes = Array.from({ length: o.count }, (_, i) => first + i);
    // Bad CIDR sizes fail here, before anything is written.
    const specs = indexes.map((index) => ({
      name: `${prefix}-${index}`,
      podCIDR: formatCidr(subnet(cluster, 24, index)),
      internalIP: formatIpv4(subnet(addresses, 32, index + 1).base),
      resources,
      labels: { ...labelsForIndex(o.labels ?? {}, index), ...statsLabels },
      taints: o.taints ?? [],
      runtimeVersion: `${fakeRuntimeName}://${fakeRuntimeVersion}`,
    }));
    await Promise.all(
      specs.map(async (spec) => {
        const registered = await this.heartbeat.register(spec);
        this.nodes.set(spec.name, this.hollowNode(registered));
      }),
    );
    specs.forEach((spec, i) => {
      const node = this.nodes.get(spec.name);
      if (node) this.heartbeat.start(node.registered, i / specs.length);
    });
    this.informer.start();
    await this.informer.waitForSync();
    const workers = o.workers ?? 32;
    for (let i = 0; i < workers; i++) this.workers.push(this.work());
  }

  private async startStats(config: HollowStatsConfig, memory: string): Promise<Record<string, string>> {
    let capacity: number | undefined;
    try {
      capacity = Quantity.parse(memory).toNumber();
    } catch {
      capacity = undefined;
    }
    this.stats = new HollowStats({
      ...(config.requestFraction !== undefined ? { requestFraction: config.requestFraction } : {}),
      ...(capacity !== undefined ? { memoryCapacityBytes: capacity } : {}),
    });
    this.statsServer = await startHollowStatsServer({
      ...(config.port !== undefined ? { port: config.port } : {}),
      ...(config.clientCa ? { clientCa: config.clientCa } : {}),
      providerFor: (name) =>
        this.nodes.has(name) ? { summary: async () => this.nodeSummary(name) } : undefined,
      nodeNames: () => this.nodeNames,
    });
    return { [hollowStatsPortLabel]: String(this.statsServer.port) };
  }

  /** The node's running pods and containers as the fake runtime has them, with their Pod objects. */
  private async nodeSummary(name: string): Promise<ReturnType<HollowStats["summary"]>> {
    const node = this.nodes.get(name);
    const stats = this.stats;
    if (!node || !stats) throw new Error(`no hollow node ${name}`);
    const [sandboxes, containers] = await Promise.all([
      node.runtime.listPodSandboxes({ state: "SANDBOX_READY" }),
      node.runtime.listContainers({ state: "CONTAINER_RUNNING" }),
    ]);
    const views: HollowPodView[] = [];
    for (const sandbox of sandboxes) {
      const key = node.pods.keyOfSandbox(sandbox.id);
      const pod = key ? this.informer.indexer.get(key) : undefined;
      if (!pod) continue;
      views.push({
        pod,
        createdAt: sandbox.createdAt,
        containers: containers
          .filter((c) => c.podSandboxId === sandbox.id)
          .map((c) => ({ id: c.id, name: c.metadata.name, startedAt: c.startedAt || c.createdAt })),
      });
    }
    return stats.summary(name, views);
  }

  private hollowNode(registered: RegisteredNode): HollowNode {
    const runtime = new FakeRuntime({
      clock: this.clock,
      ipam: new PodIpAllocator(parseIpv4Cidr(registered.podCIDR)),
    });
    const pods: PodWorker = new PodWorker({
      nodeName: registered.spec.name,
      hostIP: registered.spec.internalIP,
      runtime,
      clock: this.clock,
      api: {
        patchStatus: (pod, status) => this.patchStatus(pod, status),
        deleteNow: (pod) => this.deleteNow(pod),
      },
      wake: (key, at) => this.clock.at(at, () => this.queue.add(key)),
      ...(this.o.readyDelayMs ? { readyDelayMs: this.o.readyDelayMs } : {}),
      ...(this.o.restartBackOffMs ? { backOffMs: this.o.restartBackOffMs } : {}),
    });
    runtime.onContainerEvent((e) => {
      if (e.type !== "CONTAINER_STOPPED_EVENT") return;
      const key = pods.keyOfSandbox(e.podSandboxId);
      if (key) this.queue.add(key);
    });
    return { registered, runtime, pods };
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        await this.syncPod(key);
        this.queue.forget(key);
      } catch (err) {
        this.error(err, `pod ${key}`);
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async syncPod(key: string): Promise<void> {
    const pod = this.informer.indexer.get(key);
    const nodeName = pod?.spec?.nodeName ?? this.podNode.get(key);
    const node = nodeName ? this.nodes.get(nodeName) : undefined;
    if (!node || !nodeName) return;
    if (pod) this.podNode.set(key, nodeName);
    else this.podNode.delete(key);
    await node.pods.sync(key, pod);
  }

  private async patchStatus(pod: Pod, status: PodStatus): Promise<void> {
    const pods = this.o.client.resource<Pod>(podsResource);
    const name = pod.metadata?.name ?? "";
    try {
      await this.limiter.run(() =>
        pods.patch(
          name,
          { metadata: { uid: pod.metadata?.uid }, status },
          { type: "strategic", subresource: "status", namespace: pod.metadata?.namespace ?? "" },
        ),
      );
    } catch (err) {
      // Gone meanwhile: its DELETED event will clean up.
      if (!isReason(err, "NotFound")) throw err;
    }
  }

  private async deleteNow(pod: Pod): Promise<void> {
    const pods = this.o.client.resource<Pod>(podsResource);
    try {
      await this.limiter.run(() =>
        pods.delete(pod.metadata?.name ?? "", {
          namespace: pod.metadata?.namespace ?? "",
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata?.uid ?? "" },
        }),
      );
    } catch (err) {
      // Already gone, or a new pod of the same name (the uid precondition failed).
      if (!isReason(err, "NotFound", "Conflict")) throw err;
    }
  }

  /** How many pods each node runs (tests and progress lines). */
  podCount(): number {
    let n = 0;
    for (const node of this.nodes.values()) n += node.pods.size;
    return n;
  }

  /** Stops heartbeats, the informer and the workers; with `cleanup`, deletes the Nodes and Leases. */
  async stop(options: { cleanup?: boolean } = {}): Promise<void> {
    this.stopping = true;
    await this.statsServer?.close();
    this.statsServer = undefined;
    this.heartbeat.stop();
    await this.informer.stop();
    await this.queue.shutDownWithDrain();
    await Promise.all(this.workers);
    this.clock.stop();
    for (const node of this.nodes.values()) {
      await node.pods.close();
      await node.runtime.close();
    }
    if (options.cleanup) {
      const nodes = this.o.client.resource<Node>(nodesResource);
      const leases = this.o.client.resource<Lease>(leasesResource);
      await Promise.all(
        [...this.nodes.keys()].map((name) =>
          this.limiter.run(async () => {
            for (const remove of [
              () => nodes.delete(name),
              () => leases.delete(name, { namespace: nodeLeaseNamespace }),
            ]) {
              try {
                await remove();
              } catch (err) {
                if (!isReason(err, "NotFound")) throw err;
              }
            }
          }),
        ),
      );
    }
    this.nodes.clear();
  }
}

export { hollowLabel };
