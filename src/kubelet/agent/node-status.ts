// The agent's own Node: registration with the host's capacity and nodeInfo, Lease renewals
// every 10 s, conditions re-evaluated every 10 s (patched when they change, else every 5 min),
// and the node's pod CIDR handed to the runtime once the cluster (or --pod-cidr) provides it.

import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node, NodeCondition } from "kubernetes-types/core/v1.js";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { Clock } from "../clock.ts";
import type { EvictionThreshold } from "../eviction/thresholds.ts";
import {
  type AgentNodeSpec,
  buildAgentNode,
  conditionsChanged,
  healthConditions,
  nodeConditionsAt,
} from "../node/agent-node.ts";
import { Periodic, registerNode, renewNodeLease } from "../node/heartbeat.ts";
import { type HostPressure, hostPressure } from "../node/host.ts";
import type { Runtime } from "../runtime/runtime.ts";

export interface NodeStatusOptions {
  nodes: ResourceClient<Node>;
  leases: ResourceClient<Lease>;
  runtime: Runtime;
  clock: Clock;
  spec: AgentNodeSpec;
  dataDir: string;
  /** Used when the Node has no spec.podCIDR. */
  podCidr?: string;
  leaseDurationSeconds?: number;
  /** Condition checks (default 10 s) and the unconditional report period (default 5 min). */
  statusUpdateMs?: number;
  statusReportMs?: number;
  /** Hard eviction thresholds behind the pressure conditions (default: the kubelet's). */
  thresholds?: readonly EvictionThreshold[];
  /** The host's figures (default: read from /proc and statfs of dataDir). */
  observe?: () => HostPressure;
  onError(err: unknown, what: string): void;
  /** Ready turned True / False. */
  onReadyChange?(ready: boolean, message: string): void;
}

export class NodeStatusManager {
  private readonly periodic: Periodic;
  private conditions: NodeCondition[] | undefined;
  private lastReport = 0;
  private uid = "";
  /** The Lease as last written: renewals update it. */
  private lease: Lease | undefined;
  private appliedCidr = "";
  private ready = false;

  constructor(private readonly o: NodeStatusOptions) {
    this.periodic = new Periodic(o.clock, o.onError);
  }

  get name(): string {
    return this.o.spec.name;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The pod CIDR handed to the runtime ("" before there is one). */
  get podCidr(): string {
    return this.appliedCidr;
  }

  private async currentConditions(): Promise<NodeCondition[]> {
    const runtime = await this.o.runtime.status().catch((err: unknown) => ({
      runtimeReady: false,
      networkReady: false,
      message: err instanceof Error ? err.message : String(err),
    }));
    const pressure = this.o.observe ? this.o.observe() : hostPressure(this.o.dataDir);
    const generated = healthConditions({ runtime, pressure }, this.o.thresholds);
    return nodeConditionsAt(generated, this.conditions, this.o.clock.now());
  }

  async register(): Promise<Node> {
    const conditions = await this.currentConditions();
    const saved = await registerNode(this.o.nodes, buildAgentNode(this.o.spec, conditions));
    this.uid = saved.metadata?.uid ?? "";
    this.conditions = conditions;
    this.lastReport = this.o.clock.now();
    await this.renewLease();
    await this.observeNode(saved);
    return saved;
  }

  /** Called with every version of our Node (informer): applies a new pod CIDR. */
  async observeNode(node: Node): Promise<void> {
    const cidr = node.spec?.podCIDR || this.o.podCidr || "";
    if (cidr && cidr !== this.appliedCidr) {
      await this.o.runtime.updateRuntimeConfig({ podCidr: cidr });
      this.appliedCidr = cidr;
      await this.update(true);
    }
  }

  start(): void {
    this.periodic.every(
      ((this.o.leaseDurationSeconds ?? 40) * 1000) / 4,
      0.5,
      () => this.renewLease(),
      "node lease",
    );
    this.periodic.every(this.o.statusUpdateMs ?? 10_000, 0.25, () => this.update(false), "node status");
  }

  private async renewLease(): Promise<void> {
    this.lease = await renewNodeLease(this.o.leases, {
      name: this.o.spec.name,
      uid: this.uid,
      leaseDurationSeconds: this.o.leaseDurationSeconds ?? 40,
      now: this.o.clock.now(),
      last: this.lease,
    });
  }

  /** Re-evaluates the conditions; patches when they changed, when `force`, or when the report period passed. */
  async update(force: boolean): Promise<void> {
    const next = await this.currentConditions();
    const due = this.o.clock.now() - this.lastReport >= (this.o.statusReportMs ?? 300_000);
    if (force || due || conditionsChanged(this.conditions, next)) {
      await this.o.nodes.patch(
        this.o.spec.name,
        { status: { conditions: next } },
        { type: "strategic", subresource: "status" },
      );
      this.lastReport = this.o.clock.now();
    }
    this.conditions = next;
    const readyCond = next.find((c) => c.type === "Ready");
    const ready = readyCond?.status === "True";
    if (ready !== this.ready) {
      this.ready = ready;
      this.o.onReadyChange?.(ready, readyCond?.message ?? "");
    }
  }

  stop(): void {
    this.periodic.stop();
  }
}
