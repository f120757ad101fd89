// EtcdStore: the Store on an etcd v3 cluster. Every Store operation is one etcd request (a Txn
// where a compare is needed), so etcd's revision is the Store's revision unchanged.
import type * as grpc from "@grpc/grpc-js";
import {
  CompactedError,
  ConflictError,
  type DeleteResult,
  InvalidRequestError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  StoreClosedError,
  StoreError,
  StoreUnavailableError,
  type Watcher,
  type WatchListener,
  type WriteOptions,
} from "../store.ts";
import { EtcdClient, GrpcStatus, isServiceError } from "./client.ts";
import { Compactor, type CompactorOptions } from "./compactor.ts";
import { decodeContinue, encodeContinue, KeySpace } from "./keys.ts";
import { LeaseManager } from "./lease.ts";
import {
  type Compare,
  CompareResult,
  CompareTarget,
  type Int64,
  type Method,
  methods,
  type RangeResponse,
  type RequestOp,
  type TxnResponse,
  toNumber,
} from "./proto.ts";
import { EtcdWatch, probeCompactRevision } from "./watch.ts";

/** The subset of a pino logger EtcdStore uses. */
export interface StoreLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface EtcdStoreOptions {
  /** etcd members as "host:port" or "http://host:port"; requests fail over in this order. */
  endpoints: string[];
  /** Prefix of every key in etcd; default "/registry/" (Kubernetes' own). */
  prefix?: string;
  /** Periodic compaction (default every 5 min, keeping the last 1000 revisions); false disables it. */
  compaction?: CompactorOptions | false;
  logger?: StoreLogger;
  /** How long connect waits for etcd; default 5000 ms. */
  connectTimeoutMs?: number;
  /** Deadline of one request including failover; default 15000 ms. */
  requestTimeoutMs?: number;
  /** How long a broken watch stream is retried before the watch fails; default 30000 ms. */
  watchRetryForMs?: number;
}

const silentLogger: StoreLogger = { debug() {}, info() {}, warn() {} };

const isCompacted = (e: grpc.ServiceError) => /required revision has been compacted/.test(e.details);
const isFutureRevision = (e: grpc.ServiceError) => /required revision is a future revision/.test(e.details);
const isLeaseNotFound = (e: grpc.ServiceError) => /requested lease not found/.test(e.details);

/** A write named a lease etcd no longer has; withLease grants a new one and retries. */
class LeaseNotFoundError extends StoreError {
  override name = "LeaseNotFoundError";
}

export class EtcdStore implements Store {
  private readonly keys: KeySpace;
  private readonly leases: LeaseManager;
  private readonly watches = new Set<EtcdWatch>();
  private readonly compactor: Compactor | undefined;
  private readonly logger: StoreLogger;
  private closed = false;

  private constructor(
    private readonly client: EtcdClient,
    private readonly options: EtcdStoreOptions,
  ) {
    this.keys = new KeySpace(options.prefix ?? "/registry/");
    this.leases = new LeaseManager(client);
    this.logger = options.logger ?? silentLogger;
    if (options.compaction !== false) {
      this.compactor = new Compactor(this, this.logger, options.compaction ?? {});
    }
  }

  /** Connects to etcd; StoreUnavailableError naming the endpoints if none answers in time. */
  static async connect(options: EtcdStoreOptions): Promise<EtcdStore> {
    const client = await EtcdClient.connect({
      endpoints: options.endpoints,
      ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    });
    const store = new EtcdStore(client, options);
    store.logger.info({ endpoint: client.endpoint, prefix: store.keys.prefix }, "connected to etcd");
    return store;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.rpc(methods.range, { key: this.keys.key(key) }, true);
    const kv = res.kvs[0];
    return kv ? this.keys.toKeyValue(kv) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const { rangeEnd, key: prefixKey } = this.keys.range(prefix);
    let key = prefixKey;
    let revision = options.revision ?? 0;
    if (options.continue) {
      const state = decodeContinue(options.continue, prefix);
      key = this.keys.key(state.start);
      revision = state.rev;
    }
    if (revision < 0 || !Number.isSafeInteger(revision))
      throw new InvalidRequestError(`bad revision ${revision}`);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    let res: RangeResponse;
    try {
      res = await this.rpc(methods.range, { key, rangeEnd, limit, revision }, true);
    } catch (err) {
      if (isServiceError(err) && isCompacted(err)) throw await this.compactedError(revision);
      throw err;
    }
    const kvs = res.kvs.map((kv) => this.keys.toKeyValue(kv));
    const listRevision = revision > 0 ? revision : this.revisionOf(res.header);
    const result: ListResult = { kvs, revision: listRevision };
    const last = kvs[kvs.length - 1];
    if (res.more && last) {
      result.continue = encodeContinue({ rev: listRevision, start: `${last.key}\0` });
      result.remaining = toNumber(res.count) - kvs.length;
    }
    return result;
  }

  async count(prefix: string): Promise<number> {
    const res = await this.rpc(methods.range, { ...this.keys.range(prefix), countOnly: true }, true);
    return toNumber(res.count);
  }

  async create(key: string, value: string, options: WriteOptions = {}): Promise<KeyValue> {
    const etcdKey = this.keys.key(key);
    const res = await this.withLease(options, (lease) =>
      this.txn(
        [{ key: etcdKey, target: CompareTarget.CREATE, result: CompareResult.EQUAL, createRevision: 0 }],
        [{ requestPut: { key: etcdKey, value: Buffer.from(value, "utf8"), lease } }],
        [],
      ),
    );
    if (!res.txn.succeeded) throw new KeyExistsError(key);
    const revision = this.revisionOf(res.txn.header);
    return { key, value, createRevision: revision, modRevision: revision, version: 1, lease: res.lease };
  }

  async update(
    key: string,
    value: string,
    expectedModRevision: number,
    options: WriteOptions = {},
  ): Promise<KeyValue> {
    const etcdKey = this.keys.key(key);
    const res = await this.withLease(options, (lease) =>
      this.txn(
        this.unchangedSince(etcdKey, expectedModRevision),
        [{ requestPut: { key: etcdKey, value: Buffer.from(value, "utf8"), lease, prevKv: true } }],
        [{ requestRange: { key: etcdKey } }],
      ),
    );
    const { txn } = res;
    if (!txn.succeeded) throw this.writeFailure(key, expectedModRevision, txn);
    const prev = txn.responses[0]?.responsePut?.prevKv;
    const revision = this.revisionOf(txn.header);
    return {
      key,
      value,
      createRevision: toNumber(prev?.createRevision),
      modRevision: revision,
      version: toNumber(prev?.version) + 1,
      lease: res.lease,
    };
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    const etcdKey = this.keys.key(key);
    if (expectedModRevision === undefined) {
      const res = await this.rpc(methods.deleteRange, { key: etcdKey, prevKv: true }, false);
      const prev = res.prevKvs[0];
      if (!prev) throw new KeyNotFoundError(key);
      return { revision: this.revisionOf(res.header), prevKv: this.keys.toKeyValue(prev) };
    }
    const txn = await this.txn(
      this.unchangedSince(etcdKey, expectedModRevision),
      [{ requestDeleteRange: { key: etcdKey, prevKv: true } }],
      [{ requestRange: { key: etcdKey } }],
    );
    if (!txn.succeeded) throw this.writeFailure(key, expectedModRevision, txn);
    const prev = txn.responses[0]?.responseDeleteRange?.prevKvs[0];
    if (!prev) throw new StoreError(`etcd deleted ${key} without returning its previous value`);
    return { revision: this.revisionOf(txn.header), prevKv: this.keys.toKeyValue(prev) };
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher {
    if (this.closed || fromRevision < 0 || !Number.isSafeInteger(fromRevision)) {
      return this.failedWatcher(
        listener,
        this.closed ? new StoreClosedError() : new InvalidRequestError(`bad revision ${fromRevision}`),
      );
    }
    const watch = new EtcdWatch({
      client: this.client,
      keys: this.keys,
      prefix,
      fromRevision,
      listener,
      ...(this.options.watchRetryForMs !== undefined && { retryForMs: this.options.watchRetryForMs }),
      onEnded: (w) => this.watches.delete(w),
      onStreamError: (err, attempt) =>
        this.logger.debug({ prefix, attempt, err: err.message }, "etcd watch stream broke; re-establishing"),
    });
    this.watches.add(watch);
    return watch;
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.rpc(methods.compact, { revision }, true);
    } catch (err) {
      // Compacting at or below the current compact revision has nothing left to do.
      if (isServiceError(err) && isCompacted(err)) return;
      throw err;
    }
  }

  async currentRevision(): Promise<number> {
    // A point read of a key outside the prefix costs etcd nothing and carries the revision.
    const res = await this.rpc(methods.range, { key: Buffer.from([0]), countOnly: true }, true);
    return this.revisionOf(res.header);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.fail(new StoreClosedError());
    await this.compactor?.stop();
    this.client.close();
  }

  /** Compares that hold when the key exists and was last written at `modRevision`. */
  private unchangedSince(key: Buffer, modRevision: number): Compare[] {
    return [
      { key, target: CompareTarget.MOD, result: CompareResult.EQUAL, modRevision },
      { key, target: CompareTarget.VERSION, result: CompareResult.GREATER, version: 0 },
    ];
  }

  private writeFailure(key: string, expected: number, txn: TxnResponse): StoreError {
    const current = txn.responses[0]?.responseRange?.kvs[0];
    if (!current) return new KeyNotFoundError(key);
    return new ConflictError(key, expected, this.keys.toKeyValue(current));
  }

  private txn(compare: Compare[], success: RequestOp[], failure: RequestOp[]): Promise<TxnResponse> {
    // Not resent when its outcome is unknown: the compare would keep it from applying twice,
    // but the answer would be a false KeyExists/Conflict for our own write. The caller gets
    // StoreUnavailableError instead and re-reads.
    return this.rpc(methods.txn, { compare, success, failure }, false);
  }

  /** Runs a write with the lease for options.ttlSeconds (0 without one), re-granting a lost lease once. */
  private async withLease<T>(
    options: WriteOptions,
    write: (lease: number) => Promise<T>,
  ): Promise<{ txn: T; lease: number }> {
    if (!options.ttlSeconds || options.ttlSeconds <= 0) return { txn: await write(0), lease: 0 };
    const lease = await this.leases.leaseFor(options.ttlSeconds);
    try {
      return { txn: await write(lease), lease };
    } catch (err) {
      if (!(err instanceof LeaseNotFoundError)) throw err;
      this.leases.forget(lease);
      const fresh = await this.leases.leaseFor(options.ttlSeconds);
      return { txn: await write(fresh), lease: fresh };
    }
  }

  private revisionOf(header: { revision: Int64 } | null | undefined): number {
    return toNumber(header?.revision);
  }

  private async compactedError(requested: number): Promise<CompactedError> {
    let compactRevision = 0;
    try {
      compactRevision = await probeCompactRevision(this.client);
    } catch (err) {
      this.logger.debug({ err: String(err) }, "could not read etcd's compact revision");
    }
    return new CompactedError(requested, Math.max(compactRevision, requested + 1));
  }

  /** One request, with etcd's failures translated to StoreErrors in this one place. */
  private async rpc<Req, Res>(method: Method<Req, Res>, request: Req, idempotent: boolean): Promise<Res> {
    if (this.closed) throw new StoreClosedError();
    try {
      return await this.client.call(method, request, { idempotent });
    } catch (err) {
      throw this.translate(err);
    }
  }

  private translate(err: unknown): unknown {
    if (err instanceof StoreError || !isServiceError(err)) return err;
    if (this.closed) return new StoreClosedError();
    switch (err.code) {
      case GrpcStatus.UNAVAILABLE:
      case GrpcStatus.DEADLINE_EXCEEDED:
        return new StoreUnavailableError(`etcd at ${this.client.endpoint}: ${err.details}`, { cause: err });
      case GrpcStatus.OUT_OF_RANGE:
        if (isFutureRevision(err)) return new InvalidRequestError("requested revision is in the future");
        // The caller knows the revision it asked for and turns this into CompactedError.
        if (isCompacted(err)) return err;
        break;
      case GrpcStatus.NOT_FOUND:
        if (isLeaseNotFound(err)) return new LeaseNotFoundError(`etcd: ${err.details}`, { cause: err });
        break;
    }
    return new StoreError(`etcd: ${err.details}`, { cause: err });
  }

  /** A watch that could not start; its error arrives asynchronously, unless closed first. */
  private failedWatcher(listener: WatchListener, error: StoreError): Watcher {
    let open = true;
    queueMicrotask(() => {
      if (open) listener.onError(error);
      open = false;
    });
    return {
      close: () => {
        open = false;
      },
    };
  }
}
