// The node lifecycle controller: watches node Leases (kube-node-lease) and node status; a node
// heard from neither within the grace period gets every condition Unknown ("Kubelet stopped
// posting node status."), its pods marked not ready, and node.kubernetes.io/unreachable taints
// (not-ready when the kubelet reports Ready=False). Taints go again once Ready is True.
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node, NodeCondition, Pod } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { isPodReady } from "../util/pod.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { leasesResource, podsResource } from "../util/resources.ts";
import { nodeLeaseNamespace, nodeNameIndex, nodesResource, podsByNode, timestamp } from "./resources.ts";
import { readyCondition, reconcileTaints, taintsForReady } from "./taints.ts";

export interface NodeLifecycleOptions {
  /** --node-monitor-grace-period: silence tolerated before Ready=Unknown (default 40 s). */
  gracePeriodMs?: number;
  /** --node-monitor-period: how often every node is checked (default 5 s). */
  monitorPeriodMs?: number;
}

interface Probe {
  /** Controller clock when a heartbeat was last seen (its own clock: immune to kubelet skew). */
  at: number;
  renewTime: string;
  heartbeatTime: string;
}

/** Every condition Unknown, as Kubernetes' tryUpdateNodeHealth writes them. */
export function unknownConditions(conditions: readonly NodeCondition[], now: string): NodeCondition[] {
  const out = conditions.map((c) =>
    c.status === "Unknown"
      ? c
      : {
          ...c,
          status: "Unknown",
          reason: "NodeStatusUnknown",
          message: "Kubelet stopped posting node status.",
          lastTransitionTime: now,
        },
  );
  if (!out.some((c) => c.type === "Ready")) {
    out.push({
      type: "Ready",
      status: "Unknown",
      reason: "NodeStatusNeverUpdated",
      message: "Kubelet never posted node status.",
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    });
  }
  return out;
}

class NodeLifecycleController {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly probes = new Map<string, Probe>();
  private readonly gracePeriodMs: number;
  private queue: WorkQueue<string> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly options: NodeLifecycleOptions,
  ) {
    this.gracePeriodMs = options.gracePeriodMs ?? 40_000;
    this.nodes = ctx.informers.informerFor<Node>(nodesResource);
    this.leases = ctx.informers.informerFor<Lease>(leasesResource, { namespace: nodeLeaseNamespace });
    this.pods = ctx.informers.informerFor<Pod>(podsResource, {}, podsByNode);
  }

  private observe(name: string, fields: { renewTime?: string; heartbeatTime?: string }): void {
    const now = this.ctx.now().getTime();
    const p = this.probes.get(name);
    if (!p) {
      this.probes.set(name, {
        at: now,
        renewTime: fields.renewTime ?? "",
        heartbeatTime: fields.heartbeatTime ?? "",
      });
      return;
    }
    if (fields.renewTime !== undefined && fields.renewTime !== p.renewTime) {
      p.renewTime = fields.renewTime;
      p.at = now;
    }
    if (fields.heartbeatTime !== undefined && fields.heartbeatTime !== p.heartbeatTime) {
      p.heartbeatTime = fields.heartbeatTime;
      p.at = now;
    }
  }

  private nodeSeen(node: Node): void {
    const name = node.metadata?.name ?? "";
    this.observe(name, { heartbeatTime: readyCondition(node)?.lastHeartbeatTime ?? "" });
    this.queue?.add(name);
  }

  private leaseSeen(lease: Lease): void {
    const name = lease.metadata?.name ?? "";
    this.observe(name, { renewTime: String(lease.spec?.renewTime ?? "") });
    this.queue?.add(name);
  }

  start(): StopController {
    const stopQueue = startQueueController({
      ctx: this.ctx,
      name: "node-lifecycle-controller",
      informers: [this.nodes, this.leases, this.pods],
      register: (queue) => {
        this.queue = queue;
        return [
          this.nodes.addEventHandler({
            onAdd: (n) => this.nodeSeen(n),
            onUpdate: (_, n) => this.nodeSeen(n),
            onDelete: (n) => this.probes.delete(n.metadata?.name ?? ""),
          }),
          this.leases.addEventHandler({
            onAdd: (l) => this.leaseSeen(l),
            onUpdate: (_, l) => this.leaseSeen(l),
          }),
        ];
      },
      sync: (name) => this.sync(name),
    });
    const timer = setInterval(() => {
      for (const n of this.nodes.indexer.list()) this.queue?.add(n.metadata?.name ?? "");
    }, this.options.monitorPeriodMs ?? 5_000);
    return async () => {
      clearInterval(timer);
      await stopQueue();
    };
  }

  private async sync(name: string): Promise<void> {
    let node = this.nodes.indexer.get(name);
    if (!node) return;
    const client = this.ctx.client.resource<Node>(nodesResource);
    const nowDate = this.ctx.now();
    const now = timestamp(nowDate);
    const probe = this.probes.get(name) ?? { at: nowDate.getTime(), renewTime: "", heartbeatTime: "" };
    this.probes.set(name, probe);
    const silent = nowDate.getTime() - probe.at > this.gracePeriodMs;
    if (silent && readyCondition(node)?.status !== "Unknown") {
      const conditions = unknownConditions(node.status?.conditions ?? [], now);
      node = await client.updateStatus({ ...node, status: { ...node.status, conditions } });
      this.ctx.logger.info({ node: name }, "node stopped posting status; marked Ready=Unknown");
      this.ctx.recorder.event(
        { ...node, apiVersion: "v1", kind: "Node" },
        "Normal",
        "NodeNotReady",
        `Node ${name} status is now: NodeNotReady`,
      );
      await this.markPodsNotReady(name, now);
    }
    const taints = reconcileTaints(
      node.spec?.taints ?? [],
      taintsForReady(readyCondition(node)?.status),
      now,
    );
    if (taints) {
      await client.patch(
        name,
        { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints } },
        { type: "merge" },
      );
    }
  }

  /** Pods of an unreachable node are not ready (endpoints drop them), like MarkPodsNotReady. */
  private async markPodsNotReady(nodeName: string, now: string): Promise<void> {
    const client = this.ctx.client.resource<Pod>(podsResource);
    for (const pod of this.pods.indexer.byIndex(nodeNameIndex, nodeName)) {
      if (!isPodReady(pod)) continue;
      const conditions = (pod.status?.conditions ?? []).map((c) =>
        c.type === "Ready" ? { ...c, status: "False", lastTransitionTime: now } : c,
      );
      try {
        await client.updateStatus({ ...pod, status: { ...pod.status, conditions } });
      } catch (err) {
        // A pod that changed or went away meanwhile is handled on the next round.
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
      }
    }
  }
}

export function nodeLifecycleControllerDescriptor(options: NodeLifecycleOptions = {}): ControllerDescriptor {
  return {
    name: "node-lifecycle-controller",
    start: (ctx) => new NodeLifecycleController(ctx, options).start(),
  };
}

export const nodeLifecycleController = nodeLifecycleControllerDescriptor();
