// The informer's local cache: objects by key (`namespace/name` or `name`) with secondary
// indexes (by namespace, or any index function) kept up to date on every change.
import type { ObjectLike } from "../object.ts";

/** Values of one object under an index (e.g. its namespace, its node name). */
export type IndexFunc<T> = (obj: T) => string[];

export function objectKey(obj: ObjectLike): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? "";
  return ns ? `${ns}/${name}` : name;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export const namespaceIndex = "namespace";

export function byNamespace(obj: ObjectLike): string[] {
  const ns = obj.metadata?.namespace;
  return ns ? [ns] : [];
}

export class Indexer<T extends ObjectLike> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  /** index name → value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = { [namespaceIndex]: byNamespace }) {
    for (const [name, fn] of Object.entries(indexers)) this.addIndex(name, fn);
  }

  /** Adds an index; existing objects are indexed at once. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexFuncs.has(name)) throw new Error(`index ${name} already exists`);
    this.indexFuncs.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
  }

  hasIndex(name: string): boolean {
    return this.indexFuncs.has(name);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects whose index function yields `value`. */
  byIndex(index: string, value: string): T[] {
    const idx = this.indices.get(index);
    if (!idx) throw new Error(`no index named ${index}`);
    const out: T[] = [];
    for (const key of idx.get(value) ?? []) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Stores the object; returns the previous one under its key. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) this.indexOne(name, fn, key, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const idx = this.indices.get(name);
    if (!idx) return;
    for (const value of fn(obj)) {
      let keys = idx.get(value);
      if (!keys) {
        keys = new Set();
        idx.set(value, keys);
      }
      keys.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFuncs) {
      const idx = this.indices.get(name);
      if (!idx) continue;
      for (const value of fn(obj)) {
        const keys = idx.get(value);
        keys?.delete(key);
        if (keys?.size === 0) idx.delete(value);
      }
    }
  }
}
