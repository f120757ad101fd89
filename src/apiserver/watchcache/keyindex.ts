// The watch cache's objects by key, in buckets by parent path ("pods/default/"), so that a list
// of one resource or one namespace visits only its own keys, in key order, instead of scanning
// (and sorting) every cached object.

interface Bucket<V> {
  items: Map<string, V>;
  /** Keys in order; rebuilt on the next list after a key was added or removed. */
  sorted: string[] | undefined;
}

function bucketOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/") + 1);
}

/** Every path prefix of `bucket` ending in "/" except itself: "a/b/" → ["a/"]. */
function ancestors(bucket: string): string[] {
  const out: string[] = [];
  for (let i = bucket.indexOf("/"); i >= 0 && i < bucket.length - 1; i = bucket.indexOf("/", i + 1)) {
    out.push(bucket.slice(0, i + 1));
  }
  return out;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class KeyIndex<V> {
  private readonly buckets = new Map<string, Bucket<V>>();
  /** For each path prefix ending in "/", the non-empty buckets below it at any depth. */
  private readonly below = new Map<string, Set<string>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    return this.buckets.get(bucketOf(key))?.items.get(key);
  }

  set(key: string, value: V): void {
    const name = bucketOf(key);
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = { items: new Map(), sorted: undefined };
      this.buckets.set(name, bucket);
      for (const a of ancestors(name)) {
        let set = this.below.get(a);
        if (!set) {
          set = new Set();
          this.below.set(a, set);
        }
        set.add(name);
      }
    }
    if (!bucket.items.has(key)) {
      bucket.sorted = undefined;
      this.count++;
    }
    bucket.items.set(key, value);
  }

  delete(key: string): void {
    const name = bucketOf(key);
    const bucket = this.buckets.get(name);
    if (!bucket?.items.delete(key)) return;
    this.count--;
    bucket.sorted = undefined;
    if (bucket.items.size > 0) return;
    // Empty buckets go, so namespaces that come and go leave nothing behind.
    this.buckets.delete(name);
    for (const a of ancestors(name)) {
      const set = this.below.get(a);
      set?.delete(name);
      if (set?.size === 0) this.below.delete(a);
    }
  }

  clear(): void {
    this.buckets.clear();
    this.below.clear();
    this.count = 0;
  }

  /** The values of every key starting with `prefix`, in key order. */
  list(prefix: string): V[] {
    if (prefix === "" || !prefix.endsWith("/")) return this.scan(prefix);
    const names = [...(this.below.get(prefix) ?? [])];
    if (this.buckets.has(prefix)) names.push(prefix);
    names.sort(byKey);
    const out: V[] = [];
    let last = "";
    let ordered = true;
    for (const name of names) {
      const bucket = this.buckets.get(name);
      if (!bucket) continue;
      bucket.sorted ??= [...bucket.items.keys()].sort(byKey);
      const first = bucket.sorted[0];
      // Buckets nest only when a key is also a path ("a/x" next to "a/x/y"): then the
      // concatenation is out of order and a full sort settles it.
      if (first !== undefined && first < last) ordered = false;
      for (const key of bucket.sorted) out.push(bucket.items.get(key) as V);
      last = bucket.sorted[bucket.sorted.length - 1] ?? last;
    }
    return ordered ? out : this.scan(prefix);
  }

  /** Fallback for prefixes that are not a path: every key, filtered and sorted. */
  private scan(prefix: string): V[] {
    const keys: string[] = [];
    for (const bucket of this.buckets.values())
      for (const key of bucket.items.keys()) if (key.startsWith(prefix)) keys.push(key);
    keys.sort(byKey);
    return keys.map((k) => this.get(k) as V);
  }
}
