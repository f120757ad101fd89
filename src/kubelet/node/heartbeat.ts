// Node registration and heartbeats shared by hollow nodes and the real agent: the Node object
// (created, or adopted when it exists), its Lease in kube-node-lease renewed every 10 s, and a
// periodic status report — scheduled on one timer queue, spread over the period.
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { Cancellable, Clock } from "../clock.ts";
import type { ConcurrencyLimiter } from "./limiter.ts";
import { buildNode, type HollowNodeSpec, nodeConditions } from "./node-object.ts";

export const nodeLeaseNamespace = "kube-node-lease";

/** Lease times are MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000Z");
}

const isReason = (err: unknown, reason: string): boolean => err instanceof ApiError && err.reason === reason;

const direct: Pick<ConcurrencyLimiter, "run"> = { run: (fn) => fn() };

/**
 * Creates the Node, or takes over an existing one of that name: labels and taints merged in,
 * status replaced. Returns the Node as the API holds it (spec.podCIDR may come from the cluster).
 */
export async function registerNode(
  nodes: ResourceClient<Node>,
  node: Node,
  limiter: Pick<ConcurrencyLimiter, "run"> = direct,
): Promise<Node> {
  const name = node.metadata?.name ?? "";
  try {
    return await limiter.run(() => nodes.create(node));
  } catch (err) {
    if (!isReason(err, "AlreadyExists")) throw err;
  }
  await limiter.run(() =>
    nodes.patch(
      name,
      { metadata: { labels: node.metadata?.labels }, spec: { taints: node.spec?.taints ?? null } },
      { type: "merge" },
    ),
  );
  return limiter.run(() =>
    nodes.patch(name, { status: node.status }, { type: "strategic", subresource: "status" }),
  );
}

export interface LeaseRenewal {
  name: string;
  /** The Node's uid: the Lease is owned by it, so it goes when the Node goes. */
  uid: string;
  leaseDurationSeconds: number;
  now: number;
  /** The Lease the last renewal wrote, renewed by an update when given. */
  last?: Lease | undefined;
}

/**
 * Bumps renewTime of the node's Lease and returns the Lease as written. Given the last written
 * Lease it sends an update of it, as upstream's kubelet does (cheaper for the API server than a
 * patch); otherwise, or when that Lease is stale (409) or gone, a merge patch, creating the Lease
 * when it does not exist.
 */
export async function renewNodeLease(
  leases: ResourceClient<Lease>,
  r: LeaseRenewal,
  limiter: Pick<ConcurrencyLimiter, "run"> = direct,
): Promise<Lease> {
  const renewTime = microTime(r.now);
  const last = r.last;
  if (last) {
    try {
      return await limiter.run(() =>
        leases.update({ ...last, spec: { ...last.spec, renewTime } }, { namespace: nodeLeaseNamespace }),
      );
    } catch (err) {
      if (!isReason(err, "Conflict") && !isReason(err, "NotFound")) throw err;
    }
  }
  try {
    return await limiter.run(() =>
      leases.patch(r.name, { spec: { renewTime } }, { type: "merge", namespace: nodeLeaseNamespace }),
    );
  } catch (err) {
    if (!isReason(err, "NotFound")) throw err;
  }
  const lease: Lease = {
    metadata: {
      name: r.name,
      namespace: nodeLeaseNamespace,
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name: r.name, uid: r.uid }],
    },
    spec: { holderIdentity: r.name, leaseDurationSeconds: r.leaseDurationSeconds, renewTime },
  };
  try {
    return await limiter.run(() => leases.create(lease));
  } catch (err) {
    if (!isReason(err, "AlreadyExists")) throw err;
    return await limiter.run(() => leases.get(r.name, { namespace: nodeLeaseNamespace }));
  }
}

/** Periodic work on a clock: `beat` every `period` ms, first at `offset` (0–1) of it; a slow beat delays the next. */
export class Periodic {
  private readonly timers = new Set<Cancellable>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onError: (err: unknown, what: string) => void,
  ) {}

  every(period: number, offset: number, beat: () => Promise<void>, what: string): void {
    let timer: Cancellable | undefined;
    const schedule = (at: number): void => {
      if (this.stopped) return;
      if (timer) this.timers.delete(timer);
      timer = this.clock.at(at, () => {
        const due = at + period;
        beat()
          .catch((err: unknown) => {
            if (!this.stopped) this.onError(err, what);
          })
          .finally(() => schedule(Math.max(due, this.clock.now())));
      });
      this.timers.add(timer);
    };
    schedule(this.clock.now() + Math.floor(period * offset));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }
}

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

export interface RegisteredNode {
  spec: HollowNodeSpec;
  uid: string;
  /** The pod CIDR in force (an adopted node keeps the one it had). */
  podCIDR: string;
  /** When Ready last turned True (kept across status reports). */
  readySince: number;
  /** The node's Lease as last written. */
  lease?: Lease | undefined;
}

/** Hollow nodes' heartbeats: thousands of nodes, all healthy, on one timer queue. */
export class NodeHeartbeat {
  private readonly periodic: Periodic;

  constructor(private readonly o: HeartbeatOptions) {
    this.periodic = new Periodic(o.clock, (err, what) => o.onError?.(err, what));
  }

  async register(spec: HollowNodeSpec): Promise<RegisteredNode> {
    const now = this.o.clock.now();
    const saved = await registerNode(this.o.nodes, buildNode(spec, now), this.o.limiter);
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
    this.periodic.every(renew, offset, () => this.renewLease(node), `lease ${node.spec.name}`);
    this.periodic.every(report, offset, () => this.reportStatus(node), `status ${node.spec.name}`);
  }

  async renewLease(node: RegisteredNode): Promise<void> {
    const lease = await renewNodeLease(
      this.o.leases,
      {
        name: node.spec.name,
        uid: node.uid,
        leaseDurationSeconds: this.o.leaseDurationSeconds ?? 40,
        now: this.o.clock.now(),
        last: node.lease,
      },
      this.o.limiter,
    );
    // The next renewal updates this Lease: sent without managedFields the server keeps its own,
    // so neither side encodes, parses and compares them every 10 s (and 5,000 cached Leases are
    // smaller). ~10 % of the API's CPU per renewal (bench/scheduler-ops --lease-without-managed-fields).
    if (lease.metadata?.managedFields) delete lease.metadata.managedFields;
    node.lease = lease;
  }

  async reportStatus(node: RegisteredNode): Promise<void> {
    const status = { conditions: nodeConditions(this.o.clock.now(), node.readySince) };
    await this.o.limiter.run(() =>
      this.o.nodes.patch(node.spec.name, { status }, { type: "strategic", subresource: "status" }),
    );
  }

  /** Stops every renewal; the Node objects stay (the node-lifecycle controller notices later). */
  stop(): void {
    this.periodic.stop();
  }
}
