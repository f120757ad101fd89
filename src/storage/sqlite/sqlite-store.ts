// SqliteStore: the embedded default Store, one SQLite file in WAL mode owned by this process.
// Composes the writer (group commit), watch hub, lists, TTL timer and compactor.
import type { Logger } from "pino";
import {
  type DeleteResult,
  InvalidRequestError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  prefixEnd,
  type Store,
  StoreClosedError,
  StoreError,
  StoreUnavailableError,
  type Watcher,
  type WatchListener,
  type WriteOptions,
} from "../store.ts";
import { type CompactionOptions, Compactor } from "./compactor.ts";
import { list } from "./list.ts";
import { prepareQueries, type Queries, toKeyValue } from "./queries.ts";
import { openDatabase, type SqliteDatabase, type SynchronousMode } from "./schema.ts";
import { ExpiryTimer } from "./ttl.ts";
import { WalSync } from "./walsync.ts";
import { WatchHub } from "./watch.ts";
import { type RevisionState, type WriteOp, Writer } from "./writer.ts";

export interface SqliteStoreOptions {
  /** The database file, e.g. `<data-dir>/state.db`; its parent directory is created if missing. */
  path: string;
  /**
   * Automatic compaction (default: every 1000 ms, keeping the last 5 minutes of history and at
   * least 1000, at most 100000 revisions); false turns it off.
   */
  compaction?: CompactionOptions | false;
  /**
   * Durability of acknowledged writes. "full" (default): every commit's WAL frames are fsynced
   * before the write is acknowledged (off the event loop, see walsync.ts), so an acknowledged
   * write survives power loss; "normal" (SQLite `synchronous = NORMAL`) survives a process crash
   * only. Reads may see a committed write while its sync is still running; acknowledgements and
   * watch events wait for it.
   */
  synchronous?: SynchronousMode;
  logger?: Pick<Logger, "debug" | "info" | "warn" | "error">;
}

export class SqliteStore implements Store {
  private closed = false;
  private readonly q: Queries;
  private readonly writer: Writer;
  private readonly hub: WatchHub;
  private readonly compactor: Compactor;
  private readonly expiry: ExpiryTimer;
  private readonly walSync: WalSync | undefined;

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly state: RevisionState,
    private readonly options: SqliteStoreOptions,
  ) {
    this.q = prepareQueries(db);
    const logError = (what: string) => (err: unknown) => {
      if (!(err instanceof StoreClosedError)) options.logger?.error({ err, path: options.path }, what);
    };
    this.hub = new WatchHub(this.q, state, logError("watch listener threw"));
    this.walSync =
      (options.synchronous ?? "full") === "full" ? new WalSync(`${options.path}-wal`) : undefined;
    this.writer = new Writer(
      db,
      this.q,
      state,
      options.path,
      (info) => {
        this.hub.publish(info.events);
        if (info.earliestExpiry !== undefined) this.expiry.arm(info.earliestExpiry);
      },
      this.walSync,
    );
    this.compactor = new Compactor(db, this.q, state, logError("automatic compaction failed"));
    this.expiry = new ExpiryTimer(this.q, (op) => this.write(op), logError("TTL expiry failed"));
  }

  /** Opens or creates the store; throws StoreUnavailableError if the file cannot be used. */
  static open(options: SqliteStoreOptions): SqliteStore {
    // "full" durability comes from WalSync; the connection itself never fsyncs in a commit.
    const opened = openDatabase(options.path, "normal");
    const store = new SqliteStore(
      opened.db,
      { revision: opened.revision, compactRevision: opened.compactRevision },
      options,
    );
    store.expireOnOpen();
    store.expiry.armFromDatabase();
    if (options.compaction !== false) store.compactor.start(options.compaction ?? {});
    options.logger?.info(
      { path: options.path, revision: opened.revision, compactRevision: opened.compactRevision },
      "state database opened",
    );
    return store;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    return this.read(() => {
      const row = this.q.getCurrent.get(key);
      return row ? toKeyValue(row) : undefined;
    });
  }

  async list(prefix: string, options?: ListOptions): Promise<ListResult> {
    return this.read(() => list(this.q, this.state, prefix, options));
  }

  async count(prefix: string): Promise<number> {
    return this.read(() => this.q.countCurrent.get(prefix, prefixEnd(prefix)) ?? 0);
  }

  async create(key: string, value: string, options?: WriteOptions): Promise<KeyValue> {
    const ttlSeconds = checkTtl(options);
    return (await this.write({ kind: "create", key, value, ttlSeconds })) as KeyValue;
  }

  async update(
    key: string,
    value: string,
    expectedModRevision: number,
    options?: WriteOptions,
  ): Promise<KeyValue> {
    const ttlSeconds = checkTtl(options);
    return (await this.write({
      kind: "update",
      key,
      value,
      expected: expectedModRevision,
      ttlSeconds,
    })) as KeyValue;
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    return (await this.write({ kind: "delete", key, expected: expectedModRevision })) as DeleteResult;
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher {
    if (this.closed) {
      // Same contract as a watch that the close ends: the error arrives via onError.
      setImmediate(() => listener.onError(new StoreClosedError()));
      return { close() {} };
    }
    return this.hub.watch(prefix, fromRevision, listener);
  }

  async compact(revision: number): Promise<void> {
    this.read(() => {
      this.compactor.compact(revision);
      this.compactor.shrink();
    });
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.state.revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes already accepted are committed, not dropped; nothing new is accepted after this.
    this.writer.flush();
    this.closed = true;
    this.expiry.stop();
    this.compactor.stop();
    // Their acknowledgements (and watch events) wait for the WAL sync still running.
    await this.walSync?.drain();
    this.walSync?.close();
    this.hub.closeAll(new StoreClosedError());
    this.writer.rejectAll(new StoreClosedError());
    this.db.close();
    this.options.logger?.info({ path: this.options.path }, "state database closed");
  }

  private write(op: WriteOp) {
    if (this.closed) return Promise.reject(new StoreClosedError());
    // etcd rejects the empty key too; it would also be a prefix of nothing and everything.
    if (op.key === "") return Promise.reject(new InvalidRequestError("key must not be empty"));
    return this.writer.submit(op);
  }

  /** Deletes keys whose TTL ran out while the store was closed, before anyone can read them. */
  private expireOnOpen(): void {
    const now = Date.now();
    for (;;) {
      const keys = this.q.expiredKeys.all(now, 1000);
      if (keys.length === 0) return;
      this.writer.applyAll(keys.map((key): WriteOp => ({ kind: "expire", key, now })));
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /** Runs a synchronous database call; SQLite failures (I/O, corruption) become StoreUnavailableError. */
  private read<T>(fn: () => T): T {
    this.checkOpen();
    try {
      return fn();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new StoreUnavailableError(`state database ${this.options.path}: ${reason}`);
    }
  }
}

function checkTtl(options: WriteOptions | undefined): number | undefined {
  const ttl = options?.ttlSeconds;
  if (ttl === undefined) return undefined;
  if (!Number.isFinite(ttl) || ttl <= 0) throw new InvalidRequestError(`invalid TTL ${ttl} seconds`);
  return ttl;
}
