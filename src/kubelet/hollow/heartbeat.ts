// Registration and heartbeats of hollow nodes: the Node object (created, or adopted when it
// exists), its Lease in kube-node-lease renewed every 10 s, and the node status re-reported
// every 5 minutes — all spread over the period on one timer queue, like 5,000 kubelets would be.
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { Cancellable, Clock } from "../clock.ts";
import type { ConcurrencyLimiter } from "./limiter.ts";
import { buildNode, type HollowNodeSpec, nodeConditions } from "./node-object.ts";

export const nodeLeaseNamespace = "kube-node-lease";

export interface HeartbeatOptions {
  nodes: ResourceClient<Node>;
  leases: ResourceClient<Lease>;
  clock: Clock;
  limiter: ConcurrencyLimiter;
  /** Lease duration (kubelet default 40 s); renewals every quarter of it unless set. */
  leaseDurationSeconds?: number;
  leaseRenewMs?: number;
  /** Full status report period (kubelet nodeStatusReportFrequency: 5 min). */
  statusReportMs?: number;
  onError?: (err: unknown, what: string) => void;
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000Z");
}

const isReason = (err: unknown, reason: string): boolean => err instanceof ApiError && err.reason === reason;

export interface RegisteredNode {
  spec: HollowNodeSpec;
  uid: string;
  /** The pod CIDR in force (an adopted node keeps the one it had). */
  podCIDR: string;
  /** When Ready last turned True (kept across status reports). */
  readySince: number;
}

export class NodeHeartbeat {
  private readonly timers = new Set<Cancellable>();
  private stopped = false;

  constructor(private readonly o: HeartbeatOptions) {}

  /** Creates the Node, or takes over an existing one of that name (labels, taints, status). */
  async register(spec: HollowNodeSpec): Promise<RegisteredNode> {
    const now = this.o.clock.now();
    const node = buildNode(spec, now);
    let saved: Node;
    try {
      saved = await this.o.limiter.run(() => this.o.nodes.create(node));
    } catch (err) {
      if (!isReason(err, "AlreadyExists")) throw err;
      saved = await this.o.limiter.run(() =>
        this.o.nodes.patch(
          spec.name,
          { metadata: { labels: node.metadata?.labels }, spec: { taints: node.spec?.taints ?? null } },
          { type: "merge" },
        ),
      );
      await this.o.limiter.run(() =>
        this.o.nodes.patch(spec.name, { status: node.status }, { type: "strategic", subresource: "status" }),
      );
    }
    const registered = {
      spec,
      uid: saved.metadata?.uid ?? "",
      podCIDR: saved.spec?.podCIDR || spec.podCIDR,
      readySince: now,
    };
    await this.renewLease(registered);
    return registered;
  }

  /** Starts the periodic lease renewals and status reports, at `offset` (0–1) of each period. */
  start(node: RegisteredNode, offset: number): void {
    const renew = this.o.leaseRenewMs ?? ((this.o.leaseDurationSeconds ?? 40) * 1000) / 4;
    const report = this.o.statusReportMs ?? 300_000;
    this.every(renew, offset, () => this.renewLease(node), `lease ${node.spec.name}`);
    this.every(report, offset, () => this.reportStatus(node), `status ${node.spec.name}`);
  }

  /** Runs `beat` every `period`, first at `offset` of it; a slow beat delays the next (no pile-up). */
  private every(period: number, offset: number, beat: () => Promise<void>, what: string): void {
    let timer: Cancellable | undefined;
    const schedule = (at: number): void => {
      if (this.stopped) return;
      if (timer) this.timers.delete(timer);
      timer = this.o.clock.at(at, () => {
        const due = at + period;
        beat()
          .catch((err: unknown) => this.o.onError?.(err, what))
          .finally(() => schedule(Math.max(due, this.o.clock.now())));
      });
      this.timers.add(timer);
    };
    schedule(this.o.clock.now() + Math.floor(period * offset));
  }

  async renewLease(node: RegisteredNode): Promise<void> {
    const name = node.spec.name;
    const renewTime = microTime(this.o.clock.now());
    try {
      await this.o.limiter.run(() =>
        this.o.leases.patch(name, { spec: { renewTime } }, { type: "merge", namespace: nodeLeaseNamespace }),
      );
    } catch (err) {
      if (!isReason(err, "NotFound")) throw err;
      const lease: Lease = {
        metadata: {
          name,
          namespace: nodeLeaseNamespace,
          ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.uid }],
        },
        spec: {
          holderIdentity: name,
          leaseDurationSeconds: this.o.leaseDurationSeconds ?? 40,
          renewTime,
        },
      };
      try {
        await this.o.limiter.run(() => this.o.leases.create(lease));
      } catch (createErr) {
        if (!isReason(createErr, "AlreadyExists")) throw createErr;
      }
    }
  }

  async reportStatus(node: RegisteredNode): Promise<void> {
    const status = { conditions: nodeConditions(this.o.clock.now(), node.readySince) };
    await this.o.limiter.run(() =>
      this.o.nodes.patch(node.spec.name, { status }, { type: "strategic", subresource: "status" }),
    );
  }

  /** Stops every renewal; the Node objects stay (the node-lifecycle controller notices later). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }
}
