// The namespace controller loop: lists and watches namespaces, queues the terminating ones
// (also those already terminating at start: level-triggered), empties them one at a time and
// looks again later while content remains. Failures retry with a capped backoff.
import type { Namespace } from "kubernetes-types/core/v1.js";
import type { NamespaceDeletionClient, NamespaceWatch } from "./client.ts";
import { type DeletionOutcome, deleteNamespaceContent } from "./deleter.ts";

export interface NamespaceControllerOptions {
  client: NamespaceDeletionClient;
  /** Reports failed passes (they are retried). */
  onError?: (err: unknown, namespace: string) => void;
  /** Backoff after a failure: first delay and cap, in milliseconds. */
  backoff?: { initialMs: number; maxMs: number };
}

export class NamespaceController {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private watch: NamespaceWatch | undefined;
  private rewatchTimer: NodeJS.Timeout | undefined;
  private working: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: NamespaceControllerOptions) {}

  /** Lists namespaces, queues the terminating ones and starts watching. */
  async start(): Promise<void> {
    await this.listAndWatch();
  }

  /** Stops watching and timers; waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.close();
    if (this.rewatchTimer) clearTimeout(this.rewatchTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.working;
  }

  /** Resolves when the queue is empty and no pass runs (timers may still be pending). */
  async idle(): Promise<void> {
    while (this.working) await this.working;
  }

  private async listAndWatch(): Promise<void> {
    const { client } = this.options;
    const list = await client.listNamespaces();
    for (const ns of list.items) this.observe(ns);
    if (this.stopped) return;
    this.watch = client.watchNamespaces(
      list.resourceVersion,
      (ns) => this.observe(ns),
      (err) => {
        if (err !== undefined && !this.stopped) this.options.onError?.(err, "");
        // Start over from a fresh list: whatever happened meanwhile is seen in it.
        this.relistSoon(200);
      },
    );
  }

  private relistSoon(ms: number): void {
    if (this.stopped) return;
    this.rewatchTimer = setTimeout(() => {
      this.listAndWatch().catch((err: unknown) => {
        this.options.onError?.(err, "");
        this.relistSoon(1000);
      });
    }, ms);
  }

  private observe(ns: Namespace): void {
    const name = ns.metadata?.name;
    if (name && ns.metadata?.deletionTimestamp) this.enqueue(name);
  }

  private enqueue(name: string): void {
    if (this.stopped || this.queued.has(name)) return;
    const timer = this.timers.get(name);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(name);
    }
    this.queued.add(name);
    this.queue.push(name);
    this.working ??= this.drain().finally(() => {
      this.working = undefined;
    });
  }

  private enqueueAfter(name: string, ms: number): void {
    if (this.stopped || this.timers.has(name)) return;
    const timer = setTimeout(() => {
      this.timers.delete(name);
      this.enqueue(name);
    }, ms);
    timer.unref();
    this.timers.set(name, timer);
  }

  private async drain(): Promise<void> {
    for (let name = this.queue.shift(); name !== undefined; name = this.queue.shift()) {
      this.queued.delete(name);
      if (this.stopped) return;
      let outcome: DeletionOutcome;
      try {
        outcome = await deleteNamespaceContent(this.options.client, name);
        this.failures.delete(name);
      } catch (err) {
        this.options.onError?.(err, name);
        const n = (this.failures.get(name) ?? 0) + 1;
        this.failures.set(name, n);
        const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
        this.enqueueAfter(name, Math.min(maxMs, initialMs * 2 ** (n - 1)));
        continue;
      }
      if (!outcome.done) this.enqueueAfter(name, outcome.retryAfterSeconds * 1000);
    }
  }
}
