// What a re-list changed relative to the cache: the adds, updates and deletes that bring event
// handlers to the listed state when watch events were missed (after 410 Gone).
import type { ObjectLike } from "../object.ts";
import { objectKey } from "./indexer.ts";

export interface ListDiff<T> {
  added: T[];
  /** [old, new] pairs whose resourceVersion differs. */
  updated: [T, T][];
  /** Last known state of objects no longer listed. */
  deleted: T[];
}

export function diffList<T extends ObjectLike>(
  cached: Iterable<[string, T]>,
  listed: readonly T[],
): ListDiff<T> {
  const old = new Map(cached);
  const diff: ListDiff<T> = { added: [], updated: [], deleted: [] };
  for (const obj of listed) {
    const key = objectKey(obj);
    const prev = old.get(key);
    if (!prev) diff.added.push(obj);
    else if (prev.metadata?.uid !== obj.metadata?.uid) {
      // Deleted and re-created under the same name while we were not watching.
      old.delete(key);
      diff.deleted.push(prev);
      diff.added.push(obj);
    } else {
      old.delete(key);
      if (prev.metadata?.resourceVersion !== obj.metadata?.resourceVersion) diff.updated.push([prev, obj]);
    }
  }
  diff.deleted.push(...old.values());
  return diff;
}
