// The watch cache: one Store watch over the whole keyspace feeds an in-memory copy of every
// object plus a window of recent events, so LIST and WATCH are served from memory. Because every
// write produces an event on that one watch, the cache's revision tracks the Store's exactly and
// consistent lists simply wait until the cache has caught up with the Store's current revision.
// Objects are kept as stored and, once listed, as served JSON (never as decoded objects, which
// take several times the memory): LISTs stream that JSON as it is.
import { GoneError } from "../../api/errors.ts";
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
import { cachedJson, withTypeMeta } from "../rest/respond.ts";
import type {
  EncodedItem,
  EncodedListPage,
  EncodedPage,
  EncodedPageOptions,
  ObjectSource,
  SourceEvent,
  SourceListOptions,
  SourcePage,
  SourceWatchListener,
} from "../rest/source.ts";
import { storeErrorToApi } from "../storage/errors.ts";
import { takeServed } from "../storage/handoff.ts";
import { decodeKv, decodeStored, groupResource, keyPrefix, objectKey } from "../storage/objectstore.ts";
import { StoreSource } from "../storage/storesource.ts";
import { encodeItem, encodeObject } from "./encode.ts";
import { KeyIndex } from "./keyindex.ts";
import { expiredContinue, firstAfter, ListSnapshots } from "./snapshots.ts";

export interface WatchCacheOptions {
  store: Store;
  /** Events kept for watches that start from an older resourceVersion (default 10000). */
  historySize?: number;
  /** How long a list waits for the cache to catch up before reading the Store (default 3 s). */
  freshnessTimeoutMs?: number;
  /**
   * Bytes of served JSON kept for LISTs (default 512 MiB); beyond it, items are encoded per
   * request instead of kept, so memory stays bounded whatever the cluster holds.
   */
  maxEncodedBytes?: number;
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

type Decoded = Map<ResourceDef, Map<WatchEvent, SourceEvent>>;

const maxPeeked = 512;

interface Entry {
  kv: KeyValue;
  /** The served form for the resource that last listed it (kinds may share storage). */
  encoded?: { def: ResourceDef; item: EncodedItem };
}

export class WatchCache implements ObjectSource {
  private readonly objects = new KeyIndex<Entry>();
  private readonly snapshots = new ListSnapshots<Entry>();
  /** Decoded objects peek() handed out, least recently peeked first (entries are replaced on writes). */
  private readonly peeked = new Map<Entry, { def: ResourceDef; obj: KubeObject }>();
  private encodedBytes = 0;
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<CacheWatcher>();
  private readonly waiters: { revision: number; resolve: (ok: boolean) => void }[] = [];
  private readonly direct: StoreSource;
  private revision = 0;
  private live = false;
  private stopped = false;
  private storeWatch: Watcher | undefined;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WatchCacheOptions) {
    this.direct = new StoreSource(options.store);
  }

  /** Lists the keyspace and starts the watch; resolves when the cache serves. */
  async start(): Promise<void> {
    const { store } = this.options;
    this.objects.clear();
    this.peeked.clear();
    this.snapshots.clear();
    this.encodedBytes = 0;
    let token: string | undefined;
    let revision = 0;
    do {
      const page = await store.list("", { limit: 5000, ...(token ? { continue: token } : {}) });
      for (const kv of page.kvs) this.objects.set(kv.key, { kv });
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
    const entries = await this.entries(def, options);
    if (!entries) return this.direct.list(def, options);
    return { items: entries.map((e) => withTypeMeta(def, decodeKv(def, e.kv))), revision: this.revision };
  }

  async listEncoded(def: ResourceDef, options: SourceListOptions): Promise<EncodedPage | undefined> {
    const entries = await this.entries(def, options);
    if (!entries) return undefined;
    return { items: entries.map((e) => this.encoded(def, e)), revision: this.revision };
  }

  peek(def: ResourceDef, namespace: string, name: string): KubeObject | undefined {
    if (!this.live) return undefined;
    const entry = this.objects.get(objectKey(def, namespace, name));
    if (!entry) return undefined;
    // A pod create peeks at its namespace four times (lifecycle, PodSecurity, webhooks, policies)
    // and at its ServiceAccount: the recently peeked stay decoded, a bounded number of them.
    const hit = this.peeked.get(entry);
    if (hit?.def === def) return hit.obj;
    const obj = withTypeMeta(def, decodeKv(def, entry.kv));
    this.peeked.delete(entry);
    this.peeked.set(entry, { def, obj });
    if (this.peeked.size > maxPeeked) {
      const oldest = this.peeked.keys().next();
      if (!oldest.done) this.peeked.delete(oldest.value);
    }
    return obj;
  }

  /** The cached entries a list asks for, in key order; undefined when the Store must answer. */
  private async entries(def: ResourceDef, options: SourceListOptions): Promise<Entry[] | undefined> {
    // Paging and reads at an exact past revision need the Store's snapshot semantics.
    if (options.continue || options.revision || !(await this.fresh())) return undefined;
    const entries = this.objects.list(keyPrefix(def, options.namespace));
    if (options.limit && entries.length > options.limit) return undefined;
    return entries;
  }

  async listEncodedPage(def: ResourceDef, options: EncodedPageOptions): Promise<EncodedListPage | undefined> {
    const prefix = keyPrefix(def, options.namespace);
    let entries: Entry[];
    let revision: number;
    let start = 0;
    if (options.after) {
      revision = options.after.revision;
      const snapshot = this.snapshots.lookup(prefix, revision);
      if (!snapshot) throw new GoneError(expiredContinue);
      entries = snapshot;
      start = firstAfter(entries, options.after.key);
    } else {
      if (!(await this.fresh())) return undefined;
      entries = this.objects.list(prefix);
      revision = this.revision;
    }
    const items: EncodedItem[] = [];
    let i = start;
    for (; i < entries.length && (options.limit === 0 || items.length < options.limit); i++) {
      const entry = entries[i] as Entry;
      const item = this.encoded(def, entry);
      if (options.match(item)) items.push(item);
    }
    const page: EncodedListPage = { items, revision };
    const last = entries[i - 1];
    if (i < entries.length && last) {
      page.next = { revision, key: last.kv.key };
      page.remaining = entries.length - i;
      // The next pages read this same state, as the Store's pages read one revision.
      this.snapshots.keep(prefix, revision, entries);
    }
    return page;
  }

  private encoded(def: ResourceDef, entry: Entry): EncodedItem {
    if (entry.encoded?.def === def) return entry.encoded.item;
    const item = encodeItem(def, withTypeMeta(def, decodeKv(def, entry.kv)));
    // Entries a snapshot still holds after a write replaced them are not accounted for.
    if (this.objects.get(entry.kv.key) === entry) this.remember(def, entry, item);
    return item;
  }

  private remember(def: ResourceDef, entry: Entry, item: EncodedItem): void {
    const max = this.options.maxEncodedBytes ?? 512 * 1024 * 1024;
    if (entry.encoded) this.encodedBytes -= entry.encoded.item.json.length;
    entry.encoded = undefined;
    if (this.encodedBytes + item.json.length > max) return;
    entry.encoded = { def, item };
    this.encodedBytes += item.json.length;
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

  /**
   * As storesource's toSourceEvent, with type meta set. Watchers treat the objects as read-only.
   * A put this process wrote carries the writer's object (no re-parse), and the previous state
   * is decoded only if a watcher asks for it (selectors telling entering from leaving).
   */
  private toSourceEvent(def: ResourceDef, e: WatchEvent): SourceEvent {
    const decode = (kv: KeyValue): KubeObject => withTypeMeta(def, decodeKv(def, kv));
    if (e.type === "delete") {
      return {
        type: "DELETED",
        object: withTypeMeta(def, decodeStored(def, e.prevKv.value, e.revision)),
        oldObject: decode(e.prevKv),
        revision: e.revision,
      };
    }
    const object = takeServed(def, e.kv) ?? decode(e.kv);
    const prevKv = e.prevKv;
    if (e.kv.createRevision === e.kv.modRevision || !prevKv)
      return { type: "ADDED", object, revision: e.kv.modRevision };
    let old: KubeObject | undefined;
    return {
      type: "MODIFIED",
      object,
      get oldObject(): KubeObject {
        old ??= decode(prevKv);
        return old;
      },
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
      const key = eventKey(e);
      const old = this.objects.get(key)?.encoded;
      if (old) this.encodedBytes -= old.item.json.length;
      if (e.type === "put") this.objects.set(key, { kv: e.kv });
      else this.objects.delete(key);
      this.history.push(e);
    }
    if (this.history.length > max) this.history.splice(0, this.history.length - max);
    // Decoded once per resource for all its watchers, and dropped after this batch.
    const decoded: Decoded = new Map();
    for (const w of [...this.watchers]) {
      const mine = events.filter((e) => eventRevision(e) > w.after && eventKey(e).startsWith(w.prefix));
      if (mine.length > 0) this.deliver(w, mine, decoded);
    }
    this.keepEncoded(decoded);
    const last = events[events.length - 1];
    if (last) this.advance(eventRevision(last));
  }

  /** What watchers already serialized is what the next LIST sends: keep it rather than redo it. */
  private keepEncoded(decoded: Decoded): void {
    for (const [def, byEvent] of decoded) {
      for (const [e, event] of byEvent) {
        if (e.type !== "put") continue;
        const json = cachedJson(event.object);
        const entry = this.objects.get(e.kv.key);
        if (json !== undefined && entry?.kv === e.kv) {
          this.remember(def, entry, encodeObject(def, event.object, json));
        }
      }
    }
  }

  private deliver(w: CacheWatcher, events: WatchEvent[], decoded: Decoded = new Map()): void {
    const last = events[events.length - 1];
    if (last) w.after = eventRevision(last);
    let byEvent = decoded.get(w.def);
    if (!byEvent) {
      byEvent = new Map();
      decoded.set(w.def, byEvent);
    }
    const cache = byEvent;
    const sourceEvent = (e: WatchEvent): SourceEvent => {
      let event = cache.get(e);
      if (!event) {
        event = this.toSourceEvent(w.def, e);
        cache.set(e, event);
      }
      return event;
    };
    try {
      w.listener.onEvents(events.map(sourceEvent));
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
