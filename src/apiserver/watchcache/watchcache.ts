// The watch cache: one Store watch over the whole keyspace feeds an in-memory copy of every
// object plus a window of recent events, so LIST and WATCH are served from memory. Because every
// write produces an event on that one watch, the cache's revision tracks the Store's exactly and
// consistent lists simply wait until the cache has caught up with the Store's current revision.
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import {
  type KeyValue,
  type Store,
  StoreClosedError,
  type StoreError,
  type WatchEvent,
  type Watcher,
} from "../../storage/store.ts";
import type { Logger } from "../handler.ts";
import { withTypeMeta } from "../rest/respond.ts";
import type {
  ObjectSource,
  SourceEvent,
  SourceListOptions,
  SourcePage,
  SourceWatchListener,
} from "../rest/source.ts";
import { storeErrorToApi } from "../storage/errors.ts";
import { decodeKv, decodeStored, groupResource, keyPrefix } from "../storage/objectstore.ts";
import { StoreSource } from "../storage/storesource.ts";

export interface WatchCacheOptions {
  store: Store;
  /** Events kept for watches that start from an older resourceVersion (default 10000). */
  historySize?: number;
  /** How long a list waits for the cache to catch up before reading the Store (default 3 s). */
  freshnessTimeoutMs?: number;
  logger?: Logger;
}

interface CacheWatcher {
  prefix: string;
  def: ResourceDef;
  after: number;
  listener: SourceWatchListener;
}

function eventKey(e: WatchEvent): string {
  return e.type === "put" ? e.kv.key : e.key;
}

function eventRevision(e: WatchEvent): number {
  return e.type === "put" ? e.kv.modRevision : e.revision;
}

export class WatchCache implements ObjectSource {
  private readonly objects = new Map<string, KeyValue>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<CacheWatcher>();
  private readonly waiters: { revision: number; resolve: (ok: boolean) => void }[] = [];
  private readonly direct: StoreSource;
  private revision = 0;
  private live = false;
  private stopped = false;
  private storeWatch: Watcher | undefined;
  private restartTimer: NodeJS.Timeout | undefined;

  /**
   * Decoded objects per version, keyed by the KeyValue (replaced on every change), so a LIST decodes
   * only what changed since the last one. Listers must treat the objects as read-only.
   */
  private readonly decoded = new Map<ResourceDef, WeakMap<KeyValue, KubeObject>>();

  /**
   * Decoded events per resource, shared by all its watchers: an event is decoded once, not once
   * per watcher (and its objects are the LIST cache's). Watchers treat them as read-only too.
   */
  private readonly decodedEvents = new Map<ResourceDef, WeakMap<WatchEvent, SourceEvent>>();

  constructor(private readonly options: WatchCacheOptions) {
    this.direct = new StoreSource(options.store);
  }

  /** Lists the keyspace and starts the watch; resolves when the cache serves. */
  async start(): Promise<void> {
    const { store } = this.options;
    this.objects.clear();
    let token: string | undefined;
    let revision = 0;
    do {
      const page = await store.list("", { limit: 5000, ...(token ? { continue: token } : {}) });
      for (const kv of page.kvs) this.objects.set(kv.key, kv);
      revision = page.revision;
      token = page.continue;
    } while (token);
    this.revision = revision;
    this.history.length = 0;
    this.storeWatch = store.watch("", revision, {
      onEvents: (events) => this.apply(events),
      onError: (err) => this.fail(err),
      onProgress: (rev) => this.advance(rev),
    });
    this.live = true;
  }

  stop(): void {
    this.stopped = true;
    this.live = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.storeWatch?.close();
    for (const w of this.waiters.splice(0)) w.resolve(false);
    for (const w of [...this.watchers])
      w.listener.onError(storeErrorToApi(new StoreClosedError(), groupResource(w.def), ""));
    this.watchers.clear();
  }

  currentRevision(): Promise<number> {
    return this.options.store.currentRevision();
  }

  async list(def: ResourceDef, options: SourceListOptions): Promise<SourcePage> {
    // Paging and reads at an exact past revision need the Store's snapshot semantics.
    if (options.continue || options.revision || !(await this.fresh())) return this.direct.list(def, options);
    const prefix = keyPrefix(def, options.namespace);
    const kvs: KeyValue[] = [];
    for (const [key, kv] of this.objects) if (key.startsWith(prefix)) kvs.push(kv);
    if (options.limit && kvs.length > options.limit) return this.direct.list(def, options);
    kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { items: kvs.map((kv) => this.decode(def, kv)), revision: this.revision };
  }

  watch(
    def: ResourceDef,
    options: { namespace?: string; fromRevision: number },
    listener: SourceWatchListener,
  ): { close(): void } {
    const oldest = this.history[0] ? eventRevision(this.history[0]) : this.revision + 1;
    if (!this.live || options.fromRevision + 1 < oldest) {
      // Older than the window: the Store replays (or answers 410 if compacted).
      return this.direct.watch(def, options, listener);
    }
    const w: CacheWatcher = {
      prefix: keyPrefix(def, options.namespace),
      def,
      after: options.fromRevision,
      listener,
    };
    const replay = this.history.filter((e) => eventRevision(e) > w.after && eventKey(e).startsWith(w.prefix));
    this.watchers.add(w);
    if (replay.length > 0) this.deliver(w, replay);
    return { close: () => this.watchers.delete(w) };
  }

  private decode(def: ResourceDef, kv: KeyValue): KubeObject {
    let byKv = this.decoded.get(def);
    if (!byKv) {
      byKv = new WeakMap();
      this.decoded.set(def, byKv);
    }
    let obj = byKv.get(kv);
    if (!obj) {
      obj = withTypeMeta(def, decodeKv(def, kv));
      byKv.set(kv, obj);
    }
    return obj;
  }

  private sourceEvent(def: ResourceDef, e: WatchEvent): SourceEvent {
    let byEvent = this.decodedEvents.get(def);
    if (!byEvent) {
      byEvent = new WeakMap();
      this.decodedEvents.set(def, byEvent);
    }
    let event = byEvent.get(e);
    if (!event) {
      event = this.toSourceEvent(def, e);
      byEvent.set(e, event);
    }
    return event;
  }

  /** As storesource's toSourceEvent, with objects from the per-version decode cache. */
  private toSourceEvent(def: ResourceDef, e: WatchEvent): SourceEvent {
    if (e.type === "delete") {
      return {
        type: "DELETED",
        object: withTypeMeta(def, decodeStored(def, e.prevKv.value, e.revision)),
        oldObject: this.decode(def, e.prevKv),
        revision: e.revision,
      };
    }
    const created = e.kv.createRevision === e.kv.modRevision || !e.prevKv;
    return {
      type: created ? "ADDED" : "MODIFIED",
      object: this.decode(def, e.kv),
      ...(e.prevKv && !created ? { oldObject: this.decode(def, e.prevKv) } : {}),
      revision: e.kv.modRevision,
    };
  }

  /** Waits until the cache has seen the Store's current revision; false when it cannot. */
  private async fresh(): Promise<boolean> {
    if (!this.live) return false;
    const current = await this.options.store.currentRevision();
    if (this.revision >= current) return true;
    const timeout = this.options.freshnessTimeoutMs ?? 3000;
    return new Promise<boolean>((resolve) => {
      const waiter = {
        revision: current,
        resolve: (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  private advance(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w && w.revision <= revision) {
        this.waiters.splice(i, 1);
        w.resolve(true);
      }
    }
  }

  private apply(events: WatchEvent[]): void {
    const max = this.options.historySize ?? 10000;
    for (const e of events) {
      if (e.type === "put") this.objects.set(e.kv.key, e.kv);
      else this.objects.delete(e.key);
      this.history.push(e);
    }
    if (this.history.length > max) this.history.splice(0, this.history.length - max);
    for (const w of [...this.watchers]) {
      const mine = events.filter((e) => eventRevision(e) > w.after && eventKey(e).startsWith(w.prefix));
      if (mine.length > 0) this.deliver(w, mine);
    }
    const last = events[events.length - 1];
    if (last) this.advance(eventRevision(last));
  }

  private deliver(w: CacheWatcher, events: WatchEvent[]): void {
    const last = events[events.length - 1];
    if (last) w.after = eventRevision(last);
    try {
      w.listener.onEvents(events.map((e) => this.sourceEvent(w.def, e)));
    } catch (err) {
      // One broken listener must not stop the others or the cache.
      this.options.logger?.error({ err }, "watch listener failed");
      this.watchers.delete(w);
    }
  }

  private fail(err: StoreError): void {
    this.live = false;
    for (const w of this.waiters.splice(0)) w.resolve(false);
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const w of watchers) w.listener.onError(storeErrorToApi(err, groupResource(w.def), ""));
    if (this.stopped || err instanceof StoreClosedError) return;
    this.options.logger?.error({ err }, "watch cache lost its store watch; rebuilding");
    this.restartTimer = setTimeout(() => {
      this.start().catch((e: unknown) =>
        this.options.logger?.error({ err: e }, "watch cache rebuild failed"),
      );
    }, 1000);
  }
}
