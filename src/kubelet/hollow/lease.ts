// Hollow nodes' Lease renewals, for 5,000 nodes in one process: registration creates the Lease at
// once (a new node has none, so the shared path's patch → NotFound → create costs two requests
// and an error each), a renewal PUTs a body written straight from the few fields a node Lease
// has (no copy of the last Lease, no managedFields), and each node keeps only that small Lease.
// A stale (409) or deleted Lease falls back to the kubelet's shared path (heartbeat.ts).
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { ApiError } from "../../api/errors.ts";
import { resourcePath } from "../../client/paths.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { Clock } from "../clock.ts";
import {
  type HeartbeatOptions,
  type LeaseRenewal,
  microTime,
  NodeHeartbeat,
  nodeLeaseNamespace,
  type RegisteredNode,
  renewNodeLease,
} from "../node/heartbeat.ts";
import type { ConcurrencyLimiter } from "../node/limiter.ts";

const isReason = (err: unknown, ...reasons: string[]): boolean =>
  err instanceof ApiError && reasons.includes(err.reason);

/** The Lease as a node keeps it: what the next renewal's PUT needs, nothing else. */
function kept(r: LeaseRenewal, written: Lease, renewTime: string): Lease {
  return {
    metadata: {
      name: r.name,
      namespace: nodeLeaseNamespace,
      ...(written.metadata?.uid ? { uid: written.metadata.uid } : {}),
      ...(written.metadata?.resourceVersion ? { resourceVersion: written.metadata.resourceVersion } : {}),
    },
    spec: { holderIdentity: r.name, leaseDurationSeconds: r.leaseDurationSeconds, renewTime },
  };
}

function ownerReferences(r: LeaseRenewal): string {
  return `[{"apiVersion":"v1","kind":"Node","name":${JSON.stringify(r.name)},"uid":${JSON.stringify(r.uid)}}]`;
}

/**
 * The body of a renewal, written as text: the node's Lease with its new renewTime; given the last
 * written Lease, its uid and resourceVersion (a PUT), otherwise none (the POST that creates it).
 */
export function renewalBody(r: LeaseRenewal, last: Lease | undefined, renewTime: string): string {
  const m = last?.metadata ?? {};
  return (
    `{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":${JSON.stringify(r.name)},` +
    `"namespace":"${nodeLeaseNamespace}",${m.uid ? `"uid":${JSON.stringify(m.uid)},` : ""}` +
    `${m.resourceVersion ? `"resourceVersion":${JSON.stringify(m.resourceVersion)},` : ""}` +
    `"ownerReferences":${ownerReferences(r)}},` +
    `"spec":{"holderIdentity":${JSON.stringify(r.name)},"leaseDurationSeconds":${r.leaseDurationSeconds},` +
    `"renewTime":"${renewTime}"}}`
  );
}

/** renewNodeLease's contract (returns the Lease to renew next time), cheaper per renewal. */
export async function renewHollowLease(
  leases: ResourceClient<Lease>,
  r: LeaseRenewal,
  limiter: Pick<ConcurrencyLimiter, "run">,
): Promise<Lease> {
  const renewTime = microTime(r.now);
  const last = r.last;
  // A PUT of the last Lease, or at registration (no last Lease) a POST creating it.
  const put = last?.metadata?.resourceVersion !== undefined;
  try {
    if (put || !last) {
      const path = resourcePath(leases.def, {
        namespace: nodeLeaseNamespace,
        ...(put ? { name: r.name } : {}),
      });
      const body = renewalBody(r, last, renewTime);
      const written = await limiter.run(() =>
        leases.client.request<Lease>(put ? "PUT" : "POST", path, { body }),
      );
      return kept(r, written, renewTime);
    }
  } catch (err) {
    if (!isReason(err, "Conflict", "NotFound", "AlreadyExists")) throw err;
  }
  return kept(r, await renewNodeLease(leases, { ...r, last: undefined }, limiter), renewTime);
}

export interface HollowHeartbeatOptions extends HeartbeatOptions {
  leases: ResourceClient<Lease>;
  clock: Clock;
  limiter: ConcurrencyLimiter;
}

/** NodeHeartbeat with hollow renewals (registration, status reports and timing are its own). */
export class HollowHeartbeat extends NodeHeartbeat {
  constructor(private readonly hollow: HollowHeartbeatOptions) {
    super(hollow);
  }

  override async renewLease(node: RegisteredNode): Promise<void> {
    const h = this.hollow;
    node.lease = await renewHollowLease(
      h.leases,
      {
        name: node.spec.name,
        uid: node.uid,
        leaseDurationSeconds: h.leaseDurationSeconds ?? 40,
        now: h.clock.now(),
        last: node.lease,
      },
      h.limiter,
    );
  }
}
