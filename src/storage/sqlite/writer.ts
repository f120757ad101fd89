// Group commit: writes queued during one turn of the event loop are applied in one SQLite
// transaction, each checked in order against its preconditions and given its own revision,
// and all are acknowledged after the commit. One fsync then serves the whole batch; it runs on
// libuv's thread pool (see WalSync) so the event loop keeps serving while the disk syncs.
import {
  ConflictError,
  type DeleteResult,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  StoreError,
  StoreUnavailableError,
  type WatchEvent,
} from "../store.ts";
import { type CurrentRow, type Queries, toKeyValue } from "./queries.ts";
import type { SqliteDatabase } from "./schema.ts";
import type { WalSync } from "./walsync.ts";

export type WriteOp =
  | { kind: "create"; key: string; value: string; ttlSeconds?: number | undefined }
  | { kind: "update"; key: string; value: string; expected: number; ttlSeconds?: number | undefined }
  | { kind: "delete"; key: string; expected?: number | undefined }
  /** TTL deletion: deletes the key only if its expiry (still) lies at or before `now`. */
  | { kind: "expire"; key: string; now: number };

export type WriteResult = KeyValue | DeleteResult | undefined;

type Outcome = { ok: true; result: WriteResult } | { ok: false; error: StoreError };

interface Pending {
  op: WriteOp;
  resolve(result: WriteResult): void;
  reject(error: StoreError): void;
}

/** Revision state shared by the store's parts; mutated only by the writer and the compactor. */
export interface RevisionState {
  revision: number;
  compactRevision: number;
}

export interface CommitInfo {
  events: WatchEvent[];
  /** Earliest expiry (ms since epoch) set by this batch, if any write carried a TTL. */
  earliestExpiry?: number;
}

export class Writer {
  private queue: Pending[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly q: Queries,
    private readonly state: RevisionState,
    private readonly path: string,
    private readonly onCommit: (info: CommitInfo) => void,
    /** Makes commits durable before they are acknowledged; absent: commits are acked at once. */
    private readonly walSync?: WalSync,
  ) {}

  /** Queues a write; resolves after the transaction holding it has committed. */
  submit(op: WriteOp): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      // setImmediate (not a microtask) so that every write issued in this turn, including
      // those from I/O callbacks of the same poll phase, joins the batch.
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Applies everything queued now; used by the timer and by close() to drain the queue. */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    let info: CommitInfo;
    try {
      ({ outcomes, info } = this.applyAll(batch.map((p) => p.op)));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const error = new StoreUnavailableError(`write to state database ${this.path} failed: ${reason}`);
      for (const p of batch) p.reject(error);
      return;
    }
    const settle = (syncError?: StoreError): void => {
      // Watchers see the batch before the writers' promises settle (those run as microtasks
      // later), so a client that reads its ack and then watches never misses its own write.
      // They see it only once it is durable, like its acknowledgement.
      this.onCommit(info);
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (syncError) p.reject(syncError);
        else if (o?.ok) p.resolve(o.result);
        else p.reject(o?.error ?? new StoreUnavailableError("write outcome missing"));
      });
    };
    if (this.walSync) this.walSync.after(settle);
    else settle();
  }

  /** Applies ops in one transaction synchronously; throws (nothing applied) if SQLite fails. */
  applyAll(ops: WriteOp[]): { outcomes: Outcome[]; info: CommitInfo } {
    const start = this.state.revision;
    let revision = start;
    const events: WatchEvent[] = [];
    const info: CommitInfo = { events };
    const outcomes: Outcome[] = [];
    const run = this.db.transaction(() => {
      for (const op of ops) {
        try {
          const result = this.apply(op, revision + 1, events, info);
          if (result !== undefined) revision++;
          outcomes.push({ ok: true, result });
        } catch (err) {
          // Precondition failures are detected before the op writes anything, so the batch
          // continues; any other error aborts (and rolls back) the whole transaction.
          if (!(err instanceof StoreError)) throw err;
          outcomes.push({ ok: false, error: err });
        }
      }
      if (revision !== start) this.q.setMeta.run("revision", revision);
    });
    run.immediate();
    this.state.revision = revision;
    return { outcomes, info };
  }

  /** Applies one op at `rev`; returns undefined when nothing was written (expire no-op). */
  private apply(op: WriteOp, rev: number, events: WatchEvent[], info: CommitInfo): WriteResult {
    const cur = this.q.getCurrent.get(op.key);
    switch (op.kind) {
      case "create": {
        if (cur) throw new KeyExistsError(op.key);
        const kv = this.put(op.key, op.value, rev, rev, 1, 0, op.ttlSeconds, info);
        events.push({ type: "put", kv });
        return kv;
      }
      case "update": {
        if (!cur) throw new KeyNotFoundError(op.key);
        const prevKv = toKeyValue(cur);
        if (cur.revision !== op.expected) throw new ConflictError(op.key, op.expected, prevKv);
        const kv = this.put(
          op.key,
          op.value,
          rev,
          cur.create_revision,
          cur.version + 1,
          cur.revision,
          op.ttlSeconds,
          info,
        );
        events.push({ type: "put", kv, prevKv });
        return kv;
      }
      case "delete": {
        if (!cur) throw new KeyNotFoundError(op.key);
        const prevKv = toKeyValue(cur);
        if (op.expected !== undefined && cur.revision !== op.expected) {
          throw new ConflictError(op.key, op.expected, prevKv);
        }
        return this.remove(cur, rev, events);
      }
      case "expire": {
        if (!cur || cur.expires_at === null || cur.expires_at > op.now) return undefined;
        return this.remove(cur, rev, events);
      }
    }
  }

  private put(
    key: string,
    value: string,
    rev: number,
    createRevision: number,
    version: number,
    prevRevision: number,
    ttlSeconds: number | undefined,
    info: CommitInfo,
  ): KeyValue {
    // SQLite has no lease objects: `lease` records the TTL in seconds the key was written with.
    const lease = ttlSeconds === undefined ? 0 : Math.ceil(ttlSeconds);
    const expiresAt = ttlSeconds === undefined ? null : Date.now() + Math.ceil(ttlSeconds * 1000);
    this.q.insertLog.run(rev, key, value, createRevision, version, lease, prevRevision);
    this.q.upsertCurrent.run(key, rev, expiresAt);
    if (expiresAt !== null && (info.earliestExpiry === undefined || expiresAt < info.earliestExpiry)) {
      info.earliestExpiry = expiresAt;
    }
    return { key, value, createRevision, modRevision: rev, version, lease };
  }

  private remove(cur: CurrentRow, rev: number, events: WatchEvent[]): DeleteResult {
    const prevKv = toKeyValue(cur);
    this.q.insertLog.run(rev, cur.key, null, cur.create_revision, cur.version, 0, cur.revision);
    this.q.deleteCurrent.run(cur.key);
    events.push({ type: "delete", revision: rev, key: cur.key, prevKv });
    return { revision: rev, prevKv };
  }

  /** Rejects everything queued (used when the store closes and cannot flush). */
  rejectAll(error: StoreError): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.queue;
    this.queue = [];
    for (const p of batch) p.reject(error);
  }
}
