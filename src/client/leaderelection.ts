// Lease-based leader election (coordination.k8s.io/v1), after client-go's leaderelection: try to
// acquire or renew every retry period; a lease held by another is taken only after it has not
// changed for leaseDurationSeconds as observed locally (no trust in remote clocks); writes are
// compare-and-swap on resourceVersion; the leader that cannot renew within the renew deadline
// steps down. `stop()` releases the lease so another candidate takes over at once.
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { AlreadyExistsError, ConflictError, NotFoundError } from "../api/errors.ts";
import type { ResourceClient } from "./resource-client.ts";

export interface LeaderElectorOptions {
  /** A client for coordination.k8s.io/v1 leases. */
  leases: ResourceClient<Lease>;
  namespace: string;
  /** The Lease's name, e.g. "kube-scheduler". */
  name: string;
  /** Unique per candidate (hostname + random suffix). */
  identity: string;
  /** Default 15 s. */
  leaseDurationMs?: number;
  /** Default 10 s: a leader that has not renewed for this long steps down. */
  renewDeadlineMs?: number;
  /** Default 2 s: pause between attempts. */
  retryPeriodMs?: number;
  /** Called when this candidate becomes leader; the signal aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called when leadership ends (lost or released by stop). */
  onStoppedLeading?(): void;
  /** Called whenever the observed holder changes (including to ourselves). */
  onNewLeader?(identity: string): void;
  /** Failures while trying (for logging). */
  onError?(err: unknown): void;
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly stopController = new AbortController();
  private leading: AbortController | undefined;
  private observed: { lease: Lease; at: number } | undefined;
  private lastRenew = 0;
  private reportedLeader = "";
  private loop: Promise<void> | undefined;
  private timer: { handle: NodeJS.Timeout; wake: () => void } | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error("leaseDuration must exceed renewDeadline");
  }

  isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** The holder last observed on the Lease ("" when none). */
  leader(): string {
    return this.observed?.lease.spec?.holderIdentity ?? "";
  }

  start(): void {
    if (this.loop || this.stopController.signal.aborted) return;
    this.loop = this.run();
  }

  /** Stops trying; if leading, calls onStoppedLeading and releases the Lease. */
  async stop(): Promise<void> {
    if (!this.stopController.signal.aborted) this.stopController.abort();
    if (this.timer) {
      clearTimeout(this.timer.handle);
      this.timer.wake();
    }
    await this.loop;
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const ok = await this.tryAcquireOrRenew();
      const now = performance.now();
      if (ok) {
        this.lastRenew = now;
        if (!this.leading) {
          this.leading = new AbortController();
          this.options.onStartedLeading(this.leading.signal);
        }
      } else if (this.leading) {
        // Someone else holds the Lease now, or we could not renew in time: no longer leader.
        const other = this.leader() !== "" && this.leader() !== this.options.identity;
        if (other || now - this.lastRenew >= this.renewDeadlineMs) this.stepDown();
      }
      await this.sleep(this.leading ? this.retryPeriodMs : this.retryPeriodMs * (1 + Math.random() * 0.2));
    }
    if (this.leading) {
      this.stepDown();
      await this.release();
    }
  }

  private stepDown(): void {
    const leading = this.leading;
    this.leading = undefined;
    leading?.abort();
    this.options.onStoppedLeading?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.timer = undefined;
        resolve();
      };
      this.timer = { handle: setTimeout(wake, ms), wake };
    });
  }

  private observe(lease: Lease): void {
    const prev = this.observed?.lease;
    const changed =
      !prev ||
      prev.spec?.holderIdentity !== lease.spec?.holderIdentity ||
      prev.spec?.renewTime !== lease.spec?.renewTime ||
      prev.metadata?.resourceVersion !== lease.metadata?.resourceVersion;
    if (changed) this.observed = { lease, at: performance.now() };
    else if (this.observed) this.observed.lease = lease;
    const holder = lease.spec?.holderIdentity ?? "";
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder) this.options.onNewLeader?.(holder);
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { leases, namespace, name, identity } = this.options;
    const now = new Date();
    const durationSeconds = Math.max(1, Math.round(this.leaseDurationMs / 1000));
    try {
      let current: Lease;
      try {
        current = await leases.get(name, { namespace });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        const created = await leases.create({
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        this.observe(created);
        return true;
      }
      this.observe(current);
      const holder = current.spec?.holderIdentity ?? "";
      const observedAt = this.observed?.at ?? 0;
      const heldMs = (current.spec?.leaseDurationSeconds ?? durationSeconds) * 1000;
      if (holder !== "" && holder !== identity && performance.now() - observedAt < heldMs) return false;
      const spec = current.spec ?? {};
      const taking = holder !== identity;
      const updated = await leases.update({
        ...current,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          renewTime: microTime(now),
          acquireTime: taking ? microTime(now) : (spec.acquireTime ?? microTime(now)),
          leaseTransitions: (spec.leaseTransitions ?? 0) + (taking && holder !== "" ? 1 : 0),
        },
      });
      this.observe(updated);
      return true;
    } catch (err) {
      // Conflict / AlreadyExists: another candidate wrote first. Anything else is worth reporting.
      if (!(err instanceof ConflictError || err instanceof AlreadyExistsError)) this.options.onError?.(err);
      return false;
    }
  }

  /** Gives the Lease up so that others need not wait for it to expire. */
  private async release(): Promise<void> {
    const lease = this.observed?.lease;
    if (!lease || lease.spec?.holderIdentity !== this.options.identity) return;
    const now = microTime(new Date());
    try {
      const released = await this.options.leases.update({
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        },
      });
      this.observe(released);
    } catch (err) {
      if (!(err instanceof ConflictError)) this.options.onError?.(err);
    }
  }
}
