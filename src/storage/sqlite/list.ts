// Consistent, paged lists. At the current revision a list reads `current`; at an older revision
// it takes `current` and undoes the writes made after that revision (each write's
// prev_revision is the key's row before it), which needs no index on log.key.
import {
  CompactedError,
  InvalidRequestError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  prefixEnd,
} from "../store.ts";
import { type Queries, toKeyValue } from "./queries.ts";
import type { RevisionState } from "./writer.ts";

interface ContinueToken {
  /** Revision of the first page. */
  r: number;
  /** Last key returned; the next page starts after it. */
  k: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

export function decodeContinue(text: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(text, "base64url").toString()) as Partial<ContinueToken>;
    if (typeof t.r === "number" && Number.isInteger(t.r) && t.r >= 0 && typeof t.k === "string") {
      return { r: t.r, k: t.k };
    }
  } catch {
    // fall through: malformed
  }
  throw new InvalidRequestError("invalid continue token");
}

export function list(
  q: Queries,
  state: RevisionState,
  prefix: string,
  options: ListOptions = {},
): ListResult {
  const end = prefixEnd(prefix);
  let revision: number;
  let start: string;
  if (options.continue) {
    const token = decodeContinue(options.continue);
    if (!token.k.startsWith(prefix))
      throw new InvalidRequestError("continue token does not match the prefix");
    revision = token.r;
    // The smallest key greater than token.k.
    start = token.k + "\0";
  } else {
    revision = options.revision || state.revision;
    start = prefix;
  }
  if (revision > state.revision) {
    throw new InvalidRequestError(
      `revision ${revision} is in the future (current revision ${state.revision})`,
    );
  }
  if (revision + 1 < state.compactRevision) throw new CompactedError(revision, state.compactRevision);
  const limit = options.limit && options.limit > 0 ? options.limit : Number.MAX_SAFE_INTEGER;
  const page =
    revision === state.revision
      ? currentPage(q, start, end, limit)
      : historicalPage(q, revision, start, end, limit);
  const result: ListResult = { kvs: page.kvs, revision };
  if (page.more) {
    const last = page.kvs[page.kvs.length - 1]!.key;
    result.continue = encodeContinue({ r: revision, k: last });
    result.remaining = page.remainingAfter(last);
  }
  return result;
}

interface Page {
  kvs: KeyValue[];
  more: boolean;
  remainingAfter(lastKey: string): number;
}

function currentPage(q: Queries, start: string, end: string, limit: number): Page {
  const rows = q.listCurrent.all(start, end, Math.min(limit + 1, Number.MAX_SAFE_INTEGER));
  const more = rows.length > limit;
  return {
    kvs: rows.slice(0, limit).map(toKeyValue),
    more,
    remainingAfter: (lastKey) => q.countCurrentAfter.get(lastKey, end) ?? 0,
  };
}

function historicalPage(q: Queries, revision: number, start: string, end: string, limit: number): Page {
  // Keys written after `revision`, in key order, with their row as of `revision` (0: absent).
  const changed = q.changedSince.all(revision, start, end);
  const asOf = new Map(changed.map((c) => [c.key, c.prev_revision]));
  const atRevision = (key: string): KeyValue | undefined => {
    const prev = asOf.get(key)!;
    const row = prev > 0 ? q.getRevision.get(prev) : undefined;
    return row ? toKeyValue(row) : undefined;
  };
  // Every changed key can displace at most one current row, so this many rows suffice.
  const want = Math.min(limit + 1 + changed.length, Number.MAX_SAFE_INTEGER);
  const currentRows = q.listCurrent.all(start, end, want);
  const out: KeyValue[] = [];
  // Merge two key-ordered sequences. JS string order equals SQLite's BINARY (UTF-8) order
  // except for astral characters versus U+E000–U+FFFF, which Kubernetes keys do not contain.
  let ci = 0;
  for (const row of currentRows) {
    while (ci < changed.length && changed[ci]!.key < row.key)
      pushDefined(out, atRevision(changed[ci++]!.key));
    if (ci < changed.length && changed[ci]!.key === row.key) pushDefined(out, atRevision(changed[ci++]!.key));
    else out.push(toKeyValue(row));
    if (out.length > limit) break;
  }
  while (out.length <= limit && ci < changed.length) pushDefined(out, atRevision(changed[ci++]!.key));
  const more = out.length > limit;
  return {
    kvs: out.slice(0, limit),
    more,
    remainingAfter: (lastKey) => {
      let n = q.countCurrentAfter.get(lastKey, end) ?? 0;
      for (const c of changed) {
        if (c.key <= lastKey) continue;
        const liveNow = q.hasCurrent.get(c.key) !== undefined;
        const liveThen = c.prev_revision > 0;
        if (liveNow && !liveThen) n--;
        else if (!liveNow && liveThen) n++;
      }
      return n;
    },
  };
}

function pushDefined(out: KeyValue[], kv: KeyValue | undefined): void {
  if (kv) out.push(kv);
}
