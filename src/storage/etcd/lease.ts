// Grants the etcd leases behind WriteOptions.ttlSeconds, sharing one lease among writes with the
// same TTL for a short while (as Kubernetes' leaseManager does), so a burst of 1000 events makes
// one lease, not 1000. A shared lease lives ttl + reuse seconds; every key attached to it is
// deleted between ttl and ttl + reuse seconds after its write, where reuse is 5% of the TTL,
// at least 1 s and at most 60 s.
import type { EtcdClient } from "./client.ts";
import { methods, toNumber } from "./proto.ts";

interface HeldLease {
  id: number;
  /** Local time after which a write needing `ttl` more seconds must not use it. */
  reusableUntil: number;
}

export function reuseSeconds(ttlSeconds: number): number {
  return Math.min(60, Math.max(1, Math.floor(ttlSeconds * 0.05)));
}

/** A random lease ID below 2^53, so it survives as a JS number (etcd's own IDs often do not). */
function randomLeaseId(): number {
  return Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1;
}

export class LeaseManager {
  private readonly held = new Map<number, HeldLease>();
  private readonly pending = new Map<number, Promise<HeldLease>>();

  constructor(
    private readonly client: EtcdClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The ID of a lease that keeps a key written now alive for at least `ttlSeconds`. */
  async leaseFor(ttlSeconds: number): Promise<number> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const held = this.held.get(ttl);
    if (held && this.now() < held.reusableUntil) return held.id;
    let pending = this.pending.get(ttl);
    if (!pending) {
      pending = this.grant(ttl).finally(() => this.pending.delete(ttl));
      this.pending.set(ttl, pending);
    }
    return (await pending).id;
  }

  /** Stops handing out a lease that etcd no longer knows (revoked, or expired early). */
  forget(id: number): void {
    for (const [ttl, lease] of this.held) if (lease.id === id) this.held.delete(ttl);
  }

  private async grant(ttl: number): Promise<HeldLease> {
    const reuse = reuseSeconds(ttl);
    const requestedAt = this.now();
    for (let attempt = 0; ; attempt++) {
      const res = await this.client.call(
        methods.leaseGrant,
        { ttl: ttl + reuse, id: randomLeaseId() },
        // Granting an ID twice fails harmlessly ("lease already exists"), so retrying is safe.
        { idempotent: true },
      );
      if (res.error !== "" && attempt < 3) continue;
      if (res.error !== "") throw new Error(`etcd lease grant: ${res.error}`);
      // etcd may raise a short TTL to its minimum; the lease is usable while ttl seconds remain.
      const granted = toNumber(res.ttl);
      const lease = { id: toNumber(res.id), reusableUntil: requestedAt + (granted - ttl) * 1000 };
      this.held.set(ttl, lease);
      return lease;
    }
  }
}
