// The garbage collector (Kubernetes' pkg/controller/garbagecollector): deletes dependents whose
// owners are gone (Background), deletes dependents before their owner when the owner carries the
// `foregroundDeletion` finalizer (blockOwnerDeletion dependents hold it), and strips references
// to an owner carrying the `orphan` finalizer. Owner absence is always confirmed by a live GET.
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { RestClient } from "../../client/rest.ts";
import { WorkQueue } from "../../client/workqueue/queue.ts";
import { GcActions, type Policy } from "./actions.ts";
import {
  describeNode,
  foregroundFinalizer,
  type GraphNode,
  isDeletingDependents,
  isOrphaning,
  OwnerGraph,
  orphanFinalizer,
} from "./graph.ts";
import { type GraphChange, Monitors, type MonitorsOptions } from "./monitors.ts";

export interface GarbageCollectorOptions {
  client: RestClient;
  /** Concurrent workers (default 5). */
  workers?: number;
  /** How often resources are re-discovered (default 30 s). */
  rediscoverPeriodMs?: number;
  /** Resources left out (`resource` or `resource.group`; default: events). */
  ignoredResources?: readonly string[];
  /** Failed syncs (retried with backoff) and informer failures. */
  onError?: (err: unknown, key?: string) => void;
  /** Shared informers to use (default: the collector's own). */
  informerFor?: MonitorsOptions["informerFor"];
}

type OwnerState = "solid" | "dangling" | "waiting";

/** Keys: `delete/<uid>` (attempt to delete, or finish a foreground deletion), `orphan/<uid>`. */
const deleteKey = (uid: string): string => `delete/${uid}`;
const orphanKey = (uid: string): string => `orphan/${uid}`;

export class GarbageCollector {
  readonly graph = new OwnerGraph();
  private readonly queue = new WorkQueue<string>();
  private readonly monitors: Monitors;
  private readonly actions: GcActions;
  /** Owner uids recently confirmed absent (Kubernetes' absentOwnerCache), oldest first. */
  private readonly absentOwners = new Set<string>();
  private workers: Promise<void> | undefined;
  private rediscoverTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: GarbageCollectorOptions) {
    this.actions = new GcActions(options.client);
    this.monitors = new Monitors({
      client: options.client,
      graph: this.graph,
      onChange: (c) => this.onChange(c),
      ...(options.onError ? { onError: (err: unknown) => options.onError?.(err) } : {}),
      ...(options.ignoredResources ? { ignoredResources: options.ignoredResources } : {}),
      ...(options.informerFor ? { informerFor: options.informerFor } : {}),
    });
  }

  /** Discovers resources, fills the graph, then starts the workers. */
  async start(): Promise<void> {
    await this.monitors.sync();
    await this.monitors.waitForSync();
    if (this.stopped) return;
    const n = Math.max(1, this.options.workers ?? 5);
    this.workers = Promise.all(Array.from({ length: n }, () => this.work())).then(() => undefined);
    const period = this.options.rediscoverPeriodMs ?? 30_000;
    this.rediscoverTimer = setInterval(() => {
      this.monitors.sync().catch((err: unknown) => this.options.onError?.(err));
    }, period);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rediscoverTimer) clearInterval(this.rediscoverTimer);
    this.queue.shutDown();
    await this.monitors.stop();
    await this.workers;
  }

  private enqueue(key: string): void {
    if (!this.stopped) this.queue.add(key);
  }

  private onChange({ previous, current, ownersChanged }: GraphChange): void {
    if (current) {
      if (current.owners.length > 0 && !current.deleting) this.enqueue(deleteKey(current.uid));
      if (isOrphaning(current)) this.enqueue(orphanKey(current.uid));
      if (isDeletingDependents(current)) {
        this.enqueue(deleteKey(current.uid));
        if (!previous || !isDeletingDependents(previous))
          for (const d of this.graph.dependents(current.uid)) this.enqueue(deleteKey(d.uid));
      }
    } else if (previous) {
      // The owner is gone: its dependents may be garbage now.
      for (const d of this.graph.dependents(previous.uid)) this.enqueue(deleteKey(d.uid));
    }
    // A dependent that went away, or dropped references, may unblock a foreground deletion.
    if (previous && ownersChanged) {
      const kept = new Set(current?.owners.map((r) => r.uid) ?? []);
      for (const ref of previous.owners) {
        const owner = this.graph.get(ref.uid);
        if (owner && isDeletingDependents(owner) && (!current || !kept.has(ref.uid)))
          this.enqueue(deleteKey(owner.uid));
      }
    }
    if (!previous && current) this.absentOwners.delete(current.uid);
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      if (this.stopped) {
        this.queue.done(key);
        continue;
      }
      try {
        await this.sync(key);
        this.queue.forget(key);
      } catch (err) {
        this.options.onError?.(err, key);
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  /** Processes one key; exported through the class for tests. */
  async sync(key: string): Promise<void> {
    const slash = key.indexOf("/");
    const action = key.slice(0, slash);
    const node = this.graph.get(key.slice(slash + 1));
    if (!node) return;
    // Finishing a deletion with an incomplete graph could miss dependents: wait for the caches.
    if (!this.monitors.synced()) {
      this.queue.addAfter(key, 1000);
      return;
    }
    if (action === "orphan") await this.orphanDependents(node);
    else await this.attemptToDelete(node);
  }

  private async orphanDependents(owner: GraphNode): Promise<void> {
    if (!isOrphaning(owner)) return;
    const owners = new Set([owner.uid]);
    const failures: unknown[] = [];
    await Promise.all(
      this.graph
        .dependents(owner.uid)
        .map((d) =>
          this.actions.removeOwnerReferences(d, owners).catch((err: unknown) => failures.push(err)),
        ),
    );
    if (failures.length > 0) throw failures[0];
    await this.actions.removeFinalizer(owner, orphanFinalizer);
  }

  private async attemptToDelete(node: GraphNode): Promise<void> {
    if (isDeletingDependents(node)) return this.processDeletingDependents(node);
    if (node.deleting || node.owners.length === 0) return;
    // Every owner cached and not being deleted: nothing to do, no request needed.
    if (node.owners.every((r) => this.graph.get(r.uid)?.deleting === false)) return;
    // Decide on the live object: the cache may lag behind (owners added or removed since).
    const live = await this.actions.get(node);
    if (!live?.metadata || live.metadata.deletionTimestamp) return;
    const refs = live.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const states = await Promise.all(refs.map((r) => this.ownerState(r, node)));
    const pick = (s: OwnerState): OwnerReference[] => refs.filter((_, i) => states[i] === s);
    const solid = pick("solid");
    const dangling = pick("dangling");
    const waiting = pick("waiting");
    if (solid.length > 0) {
      if (dangling.length + waiting.length === 0) return;
      await this.actions.removeOwnerReferences(node, new Set([...dangling, ...waiting].map((r) => r.uid)));
      return;
    }
    const dependents = this.graph.dependents(node.uid);
    if (waiting.length > 0 && dependents.length > 0) {
      // An owner waits for us and we have dependents: delete in the foreground too. A dependent
      // already doing so would wait for us in turn: unblock our references to break the cycle.
      if (dependents.some(isDeletingDependents))
        await this.actions.unblockOwnerReferences(node, new Set(waiting.map((r) => r.uid)));
      await this.actions.delete(node, "Foreground");
      return;
    }
    const finalizers = live.metadata.finalizers ?? [];
    const policy: Policy = finalizers.includes(orphanFinalizer)
      ? "Orphan"
      : finalizers.includes(foregroundFinalizer)
        ? "Foreground"
        : "Background";
    await this.actions.delete(node, policy);
  }

  private async processDeletingDependents(owner: GraphNode): Promise<void> {
    const blocking = this.graph.blockingDependents(owner.uid);
    if (blocking.length === 0) {
      await this.actions.removeFinalizer(owner, foregroundFinalizer);
      return;
    }
    for (const d of blocking) if (!isDeletingDependents(d)) this.enqueue(deleteKey(d.uid));
  }

  /** Solid (exists), waiting (exists, deleting in the foreground) or dangling (absent). */
  private async ownerState(ref: OwnerReference, dependent: GraphNode): Promise<OwnerState> {
    const cached = this.graph.get(ref.uid);
    // A cached owner that is not being deleted is solid: if it went away meanwhile, its delete
    // event brings the dependent back here. Everything else is checked against the server.
    if (cached && !cached.deleting) return "solid";
    if (this.absentOwners.has(ref.uid)) return "dangling";
    const resource = this.monitors.kinds.resourceFor(ref.apiVersion, ref.kind);
    if (!resource)
      throw new Error(`${describeNode(dependent)}: owner kind ${ref.apiVersion} ${ref.kind} is not served`);
    // A cluster-scoped dependent cannot have a namespaced owner: such a reference is dangling.
    if (resource.namespaced && !dependent.namespace) return "dangling";
    const owner = await this.actions.get({
      resource,
      namespace: resource.namespaced ? dependent.namespace : "",
      name: ref.name,
      uid: ref.uid,
    });
    if (!owner) {
      this.rememberAbsent(ref.uid);
      return "dangling";
    }
    const m = owner.metadata;
    return m?.deletionTimestamp && m.finalizers?.includes(foregroundFinalizer) ? "waiting" : "solid";
  }

  private rememberAbsent(uid: string): void {
    this.absentOwners.add(uid);
    if (this.absentOwners.size > 1000) {
      const oldest = this.absentOwners.values().next().value;
      if (oldest !== undefined) this.absentOwners.delete(oldest);
    }
  }
}
