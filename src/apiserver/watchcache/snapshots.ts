// The states paged lists read: the first page of a list the watch cache serves keeps the sorted
// entries it read, and its continue token names them (prefix and revision), so later pages see
// that same state — what the Store's pages at one revision give — while the cache moves on.
// Kept a short while and a few at a time; a page asked for after that is 410 Expired, as a
// Kubernetes continue token is once etcd compacted its revision.

/** Kubernetes' wording for an expired continue token. */
export const expiredContinue =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

interface Snapshot<T> {
  entries: T[];
  usedAt: number;
}

export interface ListSnapshotsOptions {
  /** How long after its last page a snapshot is kept (default 60 s). */
  ttlMs?: number;
  /** How many are kept at most (default 16); the least recently used go first. */
  max?: number;
  now?: () => number;
}

export class ListSnapshots<T> {
  private readonly byKey = new Map<string, Snapshot<T>>();
  constructor(private readonly options: ListSnapshotsOptions = {}) {}

  keep(prefix: string, revision: number, entries: T[]): void {
    const key = `${prefix}\n${revision}`;
    this.byKey.delete(key);
    this.byKey.set(key, { entries, usedAt: this.now() });
    this.prune();
  }

  lookup(prefix: string, revision: number): T[] | undefined {
    this.prune();
    const key = `${prefix}\n${revision}`;
    const s = this.byKey.get(key);
    if (!s) return undefined;
    // Most recently used last, so pruning by count drops the idle ones.
    this.byKey.delete(key);
    s.usedAt = this.now();
    this.byKey.set(key, s);
    return s.entries;
  }

  clear(): void {
    this.byKey.clear();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private prune(): void {
    const oldest = this.now() - (this.options.ttlMs ?? 60_000);
    for (const [key, s] of this.byKey) if (s.usedAt < oldest) this.byKey.delete(key);
    const max = this.options.max ?? 16;
    for (const key of this.byKey.keys()) {
      if (this.byKey.size <= max) break;
      this.byKey.delete(key);
    }
  }
}

/** Index of the first entry whose key sorts after `key` (entries sorted by key, byte order). */
export function firstAfter<T extends { kv: { key: string } }>(entries: T[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as T).kv.key <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
