// Store instrumentation: etcd_request_duration_seconds{operation,type} around every Store call of
// either backend (SQLite or etcd), and apiserver_storage_objects{resource} counted at scrape time.
import { Registry as ResourceRegistry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import {
  apiserverLatencyBuckets,
  defaultRegistry,
  type HistogramChild,
  type Registry,
  type Sample,
} from "../../metrics/index.ts";
import type {
  DeleteResult,
  KeyValue,
  ListOptions,
  ListResult,
  Store,
  Watcher,
  WatchListener,
  WriteOptions,
} from "../../storage/store.ts";

function storeMetrics(registry: Registry) {
  return {
    duration: registry.histogramVec({
      name: "etcd_request_duration_seconds",
      help: "Etcd request latency in seconds for each operation and object type.",
      labelNames: ["operation", "type"],
      buckets: apiserverLatencyBuckets,
    }),
    objects: registry.callback({
      name: "apiserver_storage_objects",
      help: "Number of stored objects at the time of last check split by kind.",
      type: "gauge",
      labelNames: ["resource"],
    }),
  };
}

/** Upstream's name for a resource in `type`/`resource` labels: `pods`, `deployments.apps`. */
export function groupResourceString(def: ResourceDef): string {
  return def.group === "" ? def.resource : `${def.resource}.${def.group}`;
}

/**
 * Resolves Store keys (`<storage prefix>/<namespace>/<name>`, the prefix being `pods` or
 * `apps/deployments`) to the resource they hold, from the served resource definitions.
 */
export class KeyTypes {
  private byPrefix = new Map<string, string>();
  constructor(private readonly defs: () => readonly ResourceDef[]) {
    this.rebuild();
  }
  private rebuild(): void {
    this.byPrefix = new Map(
      this.defs().map((d) => [ResourceRegistry.storagePrefix(d), groupResourceString(d)]),
    );
  }
  /** The type of a key; the first segment when no served resource matches. */
  typeOf(key: string): string {
    const one = key.indexOf("/");
    const first = one < 0 ? key : key.slice(0, one);
    const two = one < 0 ? -1 : key.indexOf("/", one + 1);
    const firstTwo = two < 0 ? key : key.slice(0, two);
    for (let attempt = 0; attempt < 2; attempt++) {
      const hit = this.byPrefix.get(firstTwo) ?? this.byPrefix.get(first);
      if (hit !== undefined) return hit;
      // A resource added since (a CRD): look again once.
      if (attempt === 0) this.rebuild();
    }
    return first;
  }
}

/** The part of a key that decides its type, used as a cache key: the first two segments. */
function prefixOf(key: string): string {
  const one = key.indexOf("/");
  const two = one < 0 ? -1 : key.indexOf("/", one + 1);
  return two < 0 ? key : key.slice(0, two);
}

/** A Store that times each call; the backend is unchanged. */
export class InstrumentedStore implements Store {
  private readonly duration;
  /** `${operation} ${prefix}` → histogram child, so a call after the first costs one lookup. */
  private readonly children = new Map<string, HistogramChild>();

  constructor(
    private readonly inner: Store,
    private readonly types: KeyTypes,
    registry: Registry = defaultRegistry,
  ) {
    this.duration = storeMetrics(registry).duration;
  }

  private async timed<T>(operation: string, key: string, call: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call;
    } finally {
      const prefix = prefixOf(key);
      const id = `${operation} ${prefix}`;
      let child = this.children.get(id);
      if (!child) {
        child = this.duration.labels(operation, prefix === "" ? "" : this.types.typeOf(prefix));
        this.children.set(id, child);
      }
      child.observe((performance.now() - started) / 1000);
    }
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.timed("get", key, this.inner.get(key));
  }
  list(prefix: string, options?: ListOptions): Promise<ListResult> {
    return this.timed("list", prefix, this.inner.list(prefix, options));
  }
  count(prefix: string): Promise<number> {
    return this.timed("count", prefix, this.inner.count(prefix));
  }
  create(key: string, value: string, options?: WriteOptions): Promise<KeyValue> {
    return this.timed("create", key, this.inner.create(key, value, options));
  }
  update(key: string, value: string, expectedModRevision: number, options?: WriteOptions): Promise<KeyValue> {
    return this.timed("update", key, this.inner.update(key, value, expectedModRevision, options));
  }
  delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    return this.timed("delete", key, this.inner.delete(key, expectedModRevision));
  }
  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher {
    return this.inner.watch(prefix, fromRevision, listener);
  }
  compact(revision: number): Promise<void> {
    return this.timed("compact", "", this.inner.compact(revision));
  }
  currentRevision(): Promise<number> {
    return this.timed("getRevision", "", this.inner.currentRevision());
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Adds apiserver_storage_objects for the served resources, counted in the Store at scrape time
 * (cached for `cacheMs`, default 10 s, as upstream samples it periodically). Returns the remover.
 */
export function registerStorageObjects(
  store: Store,
  defs: () => readonly ResourceDef[],
  options: { registry?: Registry; cacheMs?: number } = {},
): () => void {
  const cacheMs = options.cacheMs ?? 10_000;
  let cached: { at: number; samples: Sample[] } | undefined;
  return storeMetrics(options.registry ?? defaultRegistry).objects.add(async () => {
    if (cached && performance.now() - cached.at < cacheMs) return cached.samples;
    const seen = new Set<string>();
    const samples: Sample[] = [];
    for (const def of defs()) {
      const prefix = `${ResourceRegistry.storagePrefix(def)}/`;
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      samples.push({ labels: [groupResourceString(def)], value: await store.count(prefix) });
    }
    cached = { at: performance.now(), samples };
    return samples;
  });
}
