// The Store: a revisioned key-value store with etcd semantics, the only thing the apiserver
// persists through. Backends: SQLite (embedded default) and etcd v3. Both pass conformance.ts.
//
// Semantics (etcd's, see DESIGN.md):
// - One global revision, strictly increasing by one per successful write (create, update,
//   delete, lease expiry deletion). Reads never change it.
// - `create` fails with KeyExistsError if the key exists; `update`/`delete` with an expected
//   mod revision fail with ConflictError (carrying the current value) on mismatch, and with
//   KeyNotFoundError when the key is absent.
// - `list` is consistent at one revision and pages with limit/continue at that revision.
// - `watch(prefix, R)` delivers every change with revision > R, in order, each exactly once,
//   with the previous value on updates and deletes. If history after R is gone because of
//   compaction (R + 1 < compactRevision) the watch fails with CompactedError.
// - `compact(C)` discards history older than C; the latest value of every key as of C - 1 is
//   kept, so watches from R >= C - 1 still work.

/** A stored key with its revisions. `value` is the serialized object (JSON for Skiff). */
export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this incarnation of the key. */
  createRevision: number;
  /** Revision of the last write to this key (Kubernetes' resourceVersion). */
  modRevision: number;
  /** Number of writes since creation, starting at 1 (etcd's version). */
  version: number;
  /** Lease (TTL) the key is attached to, 0 if none. */
  lease: number;
}

export interface WriteOptions {
  /** The key is deleted automatically (with a delete event) this many seconds after the write. */
  ttlSeconds?: number;
}

export interface ListOptions {
  /** Maximum number of keys to return; 0 or absent means no limit. */
  limit?: number;
  /** Opaque token from a previous page's `continue`; the list resumes at that page's revision. */
  continue?: string;
  /** Read at this revision instead of the current one (0 or absent: current). */
  revision?: number;
}

export interface ListResult {
  kvs: KeyValue[];
  /** The revision the list is consistent at. */
  revision: number;
  /** Present when more keys remain; pass it back as ListOptions.continue. */
  continue?: string;
  /** Number of keys after this page (present with `continue`). */
  remaining?: number;
}

export interface DeleteResult {
  /** Revision of the deletion. */
  revision: number;
  /** The value that was deleted. */
  prevKv: KeyValue;
}

export type WatchEvent =
  | { type: "put"; kv: KeyValue; prevKv?: KeyValue }
  | { type: "delete"; revision: number; key: string; prevKv: KeyValue };

export interface WatchListener {
  /** Events in revision order; a batch never splits one revision. */
  onEvents(events: WatchEvent[]): void;
  /** Terminal: the watch is closed after this (e.g. CompactedError, StoreClosedError). */
  onError(error: StoreError): void;
  /** Optional progress notification: no event for this prefix up to `revision`. */
  onProgress?(revision: number): void;
}

export interface Watcher {
  /** Stops delivery; idempotent. No listener call happens after close returns. */
  close(): void;
}

export interface Store {
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Number of live keys under a prefix at the current revision. */
  count(prefix: string): Promise<number>;
  create(key: string, value: string, options?: WriteOptions): Promise<KeyValue>;
  update(key: string, value: string, expectedModRevision: number, options?: WriteOptions): Promise<KeyValue>;
  delete(key: string, expectedModRevision?: number): Promise<DeleteResult>;
  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher;
  compact(revision: number): Promise<void>;
  currentRevision(): Promise<number>;
  /** Closes watches (onError with StoreClosedError), timers and connections. */
  close(): Promise<void>;
}

/** Base of every store failure; the apiserver maps subclasses to Status in one place. */
export class StoreError extends Error {
  override name = "StoreError";
}

export class KeyExistsError extends StoreError {
  override name = "KeyExistsError";
  constructor(readonly key: string) {
    super(`key ${key} already exists`);
  }
}

export class KeyNotFoundError extends StoreError {
  override name = "KeyNotFoundError";
  constructor(readonly key: string) {
    super(`key ${key} not found`);
  }
}

export class ConflictError extends StoreError {
  override name = "ConflictError";
  constructor(
    readonly key: string,
    readonly expectedModRevision: number,
    /** The current value, so callers can retry without another read. */
    readonly current: KeyValue,
  ) {
    super(`key ${key} was modified at revision ${current.modRevision}, expected ${expectedModRevision}`);
  }
}

export class CompactedError extends StoreError {
  override name = "CompactedError";
  constructor(
    readonly requestedRevision: number,
    readonly compactRevision: number,
  ) {
    super(`revision ${requestedRevision} has been compacted (compact revision ${compactRevision})`);
  }
}

/** A revision in the future, or a malformed continue token. */
export class InvalidRequestError extends StoreError {
  override name = "InvalidRequestError";
}

export class StoreClosedError extends StoreError {
  override name = "StoreClosedError";
  constructor() {
    super("store is closed");
  }
}

/** The backend cannot be reached or its data cannot be used (unwritable dir, corrupt file, etcd down). */
export class StoreUnavailableError extends StoreError {
  override name = "StoreUnavailableError";
}

/** The smallest key greater than every key with the given prefix (etcd's range_end). */
export function prefixEnd(prefix: string): string {
  if (prefix === "") return "\u{10ffff}";
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
