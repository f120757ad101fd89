// The scheduling queue: activeQ (highest priority first, then oldest), backoffQ (pods waiting out
// an exponential backoff after a failed attempt) and unschedulablePods (parked until a cluster
// change that may help, or for at most `maxUnschedulableMs`). Removal is lazy: heap entries
// whose pod moved on are skipped when popped.
import type { Pod } from "kubernetes-types/core/v1.js";
import { Heap } from "./heap.ts";
import { newPodInfo, type PodInfo, podKey } from "./nodeinfo.ts";

export interface QueuedPodInfo {
  info: PodInfo;
  /** Scheduling attempts so far (backoff doubles with each). */
  attempts: number;
  /** When the pod (re)entered a queue, ms. */
  timestamp: number;
  /** When the pod first entered the queue, ms (scheduling latency). */
  initialTimestamp: number;
}

export interface SchedulingQueueOptions {
  /** Backoff after the first failure (default 1000 ms), doubling up to `maxBackoffMs` (default 10 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unschedulable pods are retried at least this often (default 5 min). */
  maxUnschedulableMs?: number;
  now?: () => number;
}

type Where = "active" | "backoff" | "unschedulable" | "inflight";

interface Entry {
  qpi: QueuedPodInfo;
  where: Where;
  /** Matches the heap entry that is current (lazy deletion). */
  seq: number;
}

interface HeapItem {
  key: string;
  seq: number;
  qpi: QueuedPodInfo;
  at: number;
}

export class SchedulingQueue {
  private readonly entries = new Map<string, Entry>();
  /** The parked subset of `entries`, so cluster events cost O(parked), not O(queue). */
  private readonly parked = new Set<string>();
  private readonly active = new Heap<HeapItem>(
    (a, b) =>
      b.qpi.info.priority < a.qpi.info.priority ||
      (a.qpi.info.priority === b.qpi.info.priority && a.at < b.at),
  );
  private readonly backoff = new Heap<HeapItem>((a, b) => a.at < b.at);
  private seq = 0;
  private waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private flushInterval: NodeJS.Timeout | undefined;
  /** Incremented per pop; a move request during a pod's cycle sends it to backoff, not parking. */
  schedulingCycle = 0;
  private moveRequestCycle = -1;
  private readonly now: () => number;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;

  constructor(options: SchedulingQueueOptions = {}) {
    this.now = options.now ?? Date.now;
    this.initialBackoff = options.initialBackoffMs ?? 1000;
    this.maxBackoff = options.maxBackoffMs ?? 10_000;
    this.maxUnschedulable = options.maxUnschedulableMs ?? 300_000;
    this.flushInterval = setInterval(
      () => this.flushUnschedulable(),
      Math.min(30_000, this.maxUnschedulable),
    );
  }

  get pendingCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.where !== "inflight") n++;
    return n;
  }

  /** Pods per sub-queue (scheduler_pending_pods); O(pending), for scrapes. */
  countsByQueue(): { active: number; backoff: number; unschedulable: number } {
    const n = { active: 0, backoff: 0, unschedulable: 0 };
    for (const e of this.entries.values()) if (e.where !== "inflight") n[e.where]++;
    return n;
  }

  get parkedCount(): number {
    return this.parked.size;
  }

  where(key: string): Where | undefined {
    return this.entries.get(key)?.where;
  }

  /** A new or changed pending pod. */
  add(pod: Pod): void {
    const key = podKey(pod);
    const e = this.entries.get(key);
    const info = newPodInfo(pod);
    if (!e) {
      const now = this.now();
      this.toActive(key, { info, attempts: 0, timestamp: info.created || now, initialTimestamp: now });
      return;
    }
    e.qpi.info = info;
    // An update may make a parked pod schedulable (e.g. a toleration added): retry now.
    if (e.where === "unschedulable") this.toActive(key, e.qpi);
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.parked.delete(key);
  }

  private toActive(key: string, qpi: QueuedPodInfo): void {
    this.parked.delete(key);
    const seq = ++this.seq;
    this.entries.set(key, { qpi, where: "active", seq });
    const waiter = this.waiters.shift();
    if (waiter) {
      this.entries.set(key, { qpi, where: "inflight", seq });
      this.schedulingCycle++;
      waiter(qpi);
      return;
    }
    this.active.push({ key, seq, qpi, at: qpi.timestamp });
  }

  private toBackoff(key: string, qpi: QueuedPodInfo): void {
    this.parked.delete(key);
    const seq = ++this.seq;
    const at = qpi.timestamp + this.backoffFor(qpi.attempts);
    this.entries.set(key, { qpi, where: "backoff", seq });
    this.backoff.push({ key, seq, qpi, at });
    this.armTimer(at);
  }

  backoffFor(attempts: number): number {
    return Math.min(this.maxBackoff, this.initialBackoff * 2 ** Math.max(0, attempts - 1));
  }

  /** The next pod to schedule; waits for one; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    for (;;) {
      const item = this.active.pop();
      if (!item) break;
      const e = this.entries.get(item.key);
      if (!e || e.seq !== item.seq || e.where !== "active") continue;
      e.where = "inflight";
      this.schedulingCycle++;
      return Promise.resolve(e.qpi);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** After a failed attempt: park it, or back off if the cluster changed during its cycle. */
  addUnschedulable(qpi: QueuedPodInfo, podCycle: number): void {
    const key = qpi.info.key;
    if (this.entries.get(key)?.where !== "inflight") return; // deleted meanwhile
    qpi.attempts++;
    qpi.timestamp = this.now();
    if (this.moveRequestCycle >= podCycle) this.toBackoff(key, qpi);
    else {
      this.entries.set(key, { qpi, where: "unschedulable", seq: ++this.seq });
      this.parked.add(key);
    }
  }

  /** After an error (API failure): retry after backoff. */
  addBackoff(qpi: QueuedPodInfo): void {
    const key = qpi.info.key;
    if (this.entries.get(key)?.where !== "inflight") return;
    qpi.attempts++;
    qpi.timestamp = this.now();
    this.toBackoff(key, qpi);
  }

  /** The pod was bound (or handed off): it leaves the queue. */
  done(key: string): void {
    if (this.entries.get(key)?.where === "inflight") this.entries.delete(key);
  }

  /** A cluster change that may make parked pods schedulable. */
  moveAllToActiveOrBackoff(): void {
    this.moveRequestCycle = this.schedulingCycle;
    const now = this.now();
    for (const key of [...this.parked]) {
      const e = this.entries.get(key);
      if (e?.where !== "unschedulable") continue;
      if (now < e.qpi.timestamp + this.backoffFor(e.qpi.attempts)) this.toBackoff(key, e.qpi);
      else this.toActive(key, e.qpi);
    }
  }

  private armTimer(at: number): void {
    if (this.closed || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.flushBackoff();
      },
      Math.max(0, at - this.now()),
    );
  }

  /** Moves pods whose backoff expired to activeQ. */
  flushBackoff(): void {
    const now = this.now();
    for (;;) {
      const top = this.backoff.peek();
      if (!top) return;
      const e = this.entries.get(top.key);
      if (!e || e.seq !== top.seq || e.where !== "backoff") {
        this.backoff.pop();
        continue;
      }
      if (top.at > now) {
        this.armTimer(top.at);
        return;
      }
      this.backoff.pop();
      this.toActive(top.key, e.qpi);
    }
  }

  /** Pods parked longer than maxUnschedulableMs are retried anyway. */
  flushUnschedulable(): void {
    const now = this.now();
    for (const key of [...this.parked]) {
      const e = this.entries.get(key);
      if (e && e.where === "unschedulable" && now - e.qpi.timestamp >= this.maxUnschedulable)
        this.toActive(key, e.qpi);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.flushInterval) clearInterval(this.flushInterval);
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
