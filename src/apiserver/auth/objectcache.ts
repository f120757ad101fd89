// An informer over the API server's own ObjectSource (the watch cache): list once, then follow the
// watch, keeping every object of one resource in memory so authorizers never read the Store per
// request. Relists after a watch error (e.g. 410) and tells listeners about every change.
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { ObjectSource } from "../rest/source.ts";

export type CacheListener = (object: KubeObject, old: KubeObject | undefined, deleted: boolean) => void;

export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace ?? "";
  return ns === "" ? (obj.metadata?.name ?? "") : `${ns}/${obj.metadata?.name ?? ""}`;
}

export class ObjectCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners: CacheListener[] = [];
  private watch: { close(): void } | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: ObjectSource,
    readonly def: ResourceDef,
  ) {}

  onChange(listener: CacheListener): void {
    this.listeners.push(listener);
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(namespace === "" ? name : `${namespace}/${name}`);
  }

  values(): IterableIterator<KubeObject> {
    return this.objects.values();
  }

  get size(): number {
    return this.objects.size;
  }

  /** Resolves when `ready()` holds, re-checked on every change (no timers). */
  waitFor(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const check: CacheListener = () => {
        if (!ready()) return;
        const i = this.listeners.indexOf(check);
        if (i >= 0) this.listeners.splice(i, 1);
        resolve();
      };
      this.listeners.push(check);
    });
  }

  /** Resolves once the first list is in. */
  async start(): Promise<void> {
    const page = await this.source.list(this.def, {});
    const seen = new Set<string>();
    for (const obj of page.items) {
      const key = objectKey(obj);
      seen.add(key);
      this.put(key, obj);
    }
    for (const [key, obj] of [...this.objects]) {
      if (!seen.has(key)) this.remove(key, obj);
    }
    if (this.stopped) return;
    this.watch = this.source.watch(
      this.def,
      { fromRevision: page.revision },
      {
        onEvents: (events) => {
          for (const e of events) {
            const key = objectKey(e.object);
            if (e.type === "DELETED") this.remove(key, this.objects.get(key) ?? e.object);
            else this.put(key, e.object);
          }
        },
        onError: () => this.relistLater(),
      },
    );
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.watch?.close();
  }

  private relistLater(): void {
    this.watch?.close();
    this.watch = undefined;
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      this.start().catch(() => this.relistLater());
    }, 200);
    this.retry.unref();
  }

  private put(key: string, obj: KubeObject): void {
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    for (const l of this.listeners) l(obj, old, false);
  }

  private remove(key: string, obj: KubeObject): void {
    if (!this.objects.delete(key)) return;
    for (const l of this.listeners) l(obj, obj, true);
  }
}
