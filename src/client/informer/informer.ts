// An informer: list (paged) + watch of one resource into a local indexed cache, re-watching
// from the last seen resourceVersion when a watch ends and re-listing on 410 Gone (emitting the
// adds/updates/deletes that were missed), with periodic resync. Handlers should only enqueue.
import { GoneError } from "../../api/errors.ts";
import type { ObjectLike } from "../object.ts";
import type { ResourceClient } from "../resource-client.ts";
import type { Watch, WatchEvent } from "../watch.ts";
import { diffList } from "./diff.ts";
import { Indexer, type IndexFunc, objectKey } from "./indexer.ts";

export interface ResourceEventHandler<T> {
  /** `initialList` is true for objects delivered by the first list. */
  onAdd?(obj: T, initialList: boolean): void;
  /** Also called with old === new on resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** With the last known state (which may be older than the deletion after a re-list). */
  onDelete?(obj: T): void;
}

export interface InformerOptions<T extends ObjectLike> {
  client: ResourceClient<T>;
  /** Only this namespace (default all). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object as an update this often (default 0: never). */
  resyncPeriodMs?: number;
  /** Items per list page (default 500). */
  pageSize?: number;
  /** Default: the namespace index. */
  indexers?: Record<string, IndexFunc<T>>;
  /** Server-side watch timeout (default random 300–600 s, like client-go, to spread re-watches). */
  watchTimeoutSeconds?: number;
  /** Wait after a failure, doubling up to `maxBackoffMs` (defaults 800 ms and 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Failures the informer recovers from, for logging (default ignore). */
  onError?: (err: unknown) => void;
  /**
   * Trims every object (in place) before it is cached and handed to handlers, like client-go's
   * SetTransform; e.g. dropManagedFields.
   */
  transform?: (obj: ObjectLike) => void;
}

/**
 * kube-controller-manager's informer transform: managedFields are no controller's business and
 * are often the largest part of a cached object. Updates sent without them keep the live ones.
 */
export function dropManagedFields(obj: ObjectLike): void {
  if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
}

export class Informer<T extends ObjectLike = ObjectLike> {
  readonly indexer: Indexer<T>;
  private readonly handlers = new Set<ResourceEventHandler<T>>();
  private readonly abort = new AbortController();
  private resourceVersion = "";
  private synced = false;
  private needList = true;
  private started = false;
  private loop: Promise<void> | undefined;
  private watch: Watch | undefined;
  private watchError: unknown;
  private resyncTimer: NodeJS.Timeout | undefined;
  private sleepTimer: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private readonly syncWaiters: ((synced: boolean) => void)[] = [];

  constructor(private readonly options: InformerOptions<T>) {
    this.indexer = new Indexer<T>(options.indexers);
  }

  /** Adds a handler; if the cache is already filled, it first gets onAdd for every object. */
  addEventHandler(handler: ResourceEventHandler<T>): { remove(): void } {
    this.handlers.add(handler);
    if (this.synced) for (const obj of this.indexer.list()) this.call(() => handler.onAdd?.(obj, true));
    return { remove: () => this.handlers.delete(handler) };
  }

  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    this.loop = this.run();
    const period = this.options.resyncPeriodMs ?? 0;
    if (period > 0) this.resyncTimer = setInterval(() => this.resync(), period);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once the first list is in the cache, false if stopped before. */
  waitForSync(): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.abort.signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** The resourceVersion the cache reflects. */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Ends the watch, timers and pending requests; resolves when the loop has exited. */
  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.resyncTimer = undefined;
    this.watch?.stop();
    if (this.sleepTimer) {
      clearTimeout(this.sleepTimer.timer);
      this.sleepTimer.wake();
    }
    for (const w of this.syncWaiters.splice(0)) w(false);
    await this.loop;
  }

  private async run(): Promise<void> {
    const initial = this.options.initialBackoffMs ?? 800;
    const max = this.options.maxBackoffMs ?? 30_000;
    let backoff = initial;
    while (!this.stopped) {
      try {
        if (this.needList) await this.relist();
        const began = performance.now();
        const events = await this.watchOnce();
        // A watch that ends at once without events (server shutting down, proxy closing) must not
        // become a busy loop of re-watches.
        if (events === 0 && performance.now() - began < 1000 && !this.stopped) {
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, max);
        } else backoff = initial;
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof GoneError) {
          // Our resourceVersion (or continue token) is compacted away: start over from a list.
          // A Gone from the list itself is unexpected, so it also waits.
          const fromList = this.needList;
          this.needList = true;
          if (!fromList) continue;
        }
        this.options.onError?.(err);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, max);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.sleepTimer = undefined;
        resolve();
      };
      this.sleepTimer = { timer: setTimeout(wake, ms), wake };
    });
  }

  private async relist(): Promise<void> {
    const o = this.options;
    const list = await o.client.listAll({
      limit: o.pageSize ?? 500,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}),
      ...(o.fieldSelector ? { fieldSelector: o.fieldSelector } : {}),
      signal: this.abort.signal,
    });
    if (this.stopped) return;
    if (o.transform) for (const obj of list.items) o.transform(obj);
    const initial = !this.synced;
    const diff = diffList(
      this.indexer.keys().map((k) => [k, this.indexer.get(k) as T]),
      list.items,
    );
    for (const obj of diff.deleted) this.indexer.delete(objectKey(obj));
    for (const obj of diff.added) this.indexer.set(obj);
    for (const [, obj] of diff.updated) this.indexer.set(obj);
    this.resourceVersion = list.metadata.resourceVersion ?? "";
    this.needList = false;
    for (const obj of diff.deleted) this.emit((h) => h.onDelete?.(obj));
    for (const obj of diff.added) this.emit((h) => h.onAdd?.(obj, initial));
    for (const [old, obj] of diff.updated) this.emit((h) => h.onUpdate?.(old, obj));
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w(true);
    }
  }

  /** Runs one watch to its end; returns how many events it delivered. */
  private async watchOnce(): Promise<number> {
    const o = this.options;
    this.watchError = undefined;
    let events = 0;
    const timeoutSeconds = o.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
    const watch = await o.client.watch(
      {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        ...(o.namespace ? { namespace: o.namespace } : {}),
        ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}),
        ...(o.fieldSelector ? { fieldSelector: o.fieldSelector } : {}),
        signal: this.abort.signal,
      },
      (e) => {
        events++;
        this.onWatchEvent(e);
      },
    );
    this.watch = watch;
    if (this.stopped) watch.stop();
    try {
      await watch.done;
    } finally {
      this.watch = undefined;
    }
    if (this.watchError !== undefined) throw this.watchError;
    return events;
  }

  private onWatchEvent(e: WatchEvent<T>): void {
    if (this.stopped) return;
    if (e.type === "ERROR") {
      this.watchError = e.error;
      this.watch?.stop();
      return;
    }
    const rv = e.object.metadata?.resourceVersion;
    if (e.type === "BOOKMARK") {
      if (rv) this.resourceVersion = rv;
      return;
    }
    const obj = e.object;
    this.options.transform?.(obj);
    if (e.type === "DELETED") {
      this.indexer.delete(objectKey(obj));
      this.emit((h) => h.onDelete?.(obj));
    } else {
      const old = this.indexer.set(obj);
      if (old) this.emit((h) => h.onUpdate?.(old, obj));
      else this.emit((h) => h.onAdd?.(obj, false));
    }
    if (rv) this.resourceVersion = rv;
  }

  private resync(): void {
    if (!this.synced || this.stopped) return;
    for (const obj of this.indexer.list()) this.emit((h) => h.onUpdate?.(obj, obj));
  }

  private emit(deliver: (h: ResourceEventHandler<T>) => void): void {
    for (const h of this.handlers) this.call(() => deliver(h));
  }

  /** A throwing handler must not break the informer or the other handlers. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}
