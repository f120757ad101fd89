// bench/scheduler's watch bookkeeping: when each pod was created and seen bound (a pod watch), which
// pods have their Scheduled Event (an event watch), pod write counts, and waits for a count of
// either. Counted incrementally: scanning every pod per watch event was quadratic in the measured
// process at 10,000 pods.
import { performance } from "node:perf_hooks";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import type { WatchEvent } from "../src/client/watch.ts";
import { kindOf, type PodKind } from "./scheduler-objects.ts";

interface Waiter {
  kind: PodKind;
  count: number;
  done: () => void;
}

export class BindingTracker {
  readonly created = new Map<string, number>();
  readonly bound = new Map<string, number>();
  readonly writes = { added: 0, modified: 0 };
  readonly boundCount: Record<PodKind, number> = { plain: 0, anti: 0, calibration: 0 };
  readonly eventCount: Record<PodKind, number> = { plain: 0, anti: 0, calibration: 0 };
  private readonly scheduledEvents = new Set<string>();
  private boundWaiter: Waiter | undefined;
  private eventWaiter: Waiter | undefined;

  onPod(e: WatchEvent<Pod>): void {
    if (e.type === "ADDED") this.writes.added++;
    else if (e.type === "MODIFIED") this.writes.modified++;
    if (e.type !== "MODIFIED" && e.type !== "ADDED") return;
    const name = e.object.metadata?.name ?? "";
    if (!e.object.spec?.nodeName || this.bound.has(name)) return;
    this.bound.set(name, performance.now());
    const kind = kindOf(name);
    this.boundCount[kind] = (this.boundCount[kind] ?? 0) + 1;
    const w = this.boundWaiter;
    if (w?.kind === kind && this.boundCount[kind] >= w.count) w.done();
  }

  onEvent(e: WatchEvent<Event>): void {
    if (e.type !== "ADDED" || e.object.reason !== "Scheduled") return;
    const podName = e.object.involvedObject?.name ?? "";
    if (this.scheduledEvents.has(podName)) return;
    this.scheduledEvents.add(podName);
    const kind = kindOf(podName);
    this.eventCount[kind] = (this.eventCount[kind] ?? 0) + 1;
    const w = this.eventWaiter;
    if (w?.kind === kind && this.eventCount[kind] >= w.count) w.done();
  }

  boundOf(kind: PodKind): number {
    return this.boundCount[kind] ?? 0;
  }

  /** Resolves when `count` pods of `kind` are bound (or have their Scheduled Event), or after 10 minutes. */
  reached(what: "bound" | "events", kind: PodKind, count: number): Promise<"done" | "timeout"> {
    const counts = what === "bound" ? this.boundCount : this.eventCount;
    const done = new Promise<"done">((resolve) => {
      const w = { kind, count, done: () => resolve("done") };
      if (what === "bound") this.boundWaiter = w;
      else this.eventWaiter = w;
      if ((counts[kind] ?? 0) >= count) resolve("done");
    });
    // Unref'd: a pending timer must not keep the process alive after the results are printed.
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 600_000).unref());
    return Promise.race([done, timeout]);
  }

  /** Creation → binding latencies (ms) of the pods of `kind`, sorted. */
  latencies(kind: PodKind): number[] {
    return [...this.bound]
      .filter(([n]) => n.startsWith(`${kind}-`))
      .map(([n, at]) => at - (this.created.get(n) ?? at))
      .sort((a, b) => a - b);
  }
}
