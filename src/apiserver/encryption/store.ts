// A Store that encrypts the values of configured resources on write and decrypts every value it
// hands out (reads, lists, watch events, conflict and delete results), so the layers above
// only ever see plain JSON.
import type {
  DeleteResult,
  KeyValue,
  ListOptions,
  ListResult,
  Store,
  WatchEvent,
  Watcher,
  WatchListener,
  WriteOptions,
} from "../../storage/store.ts";
import { ConflictError, StoreError } from "../../storage/store.ts";
import { type EncryptionRule, patternMatches } from "./config.ts";
import type { Provider } from "./providers.ts";

export interface StoredResource {
  /** The resource's Store prefix (Registry.storagePrefix). */
  prefix: string;
  group: string;
  resource: string;
}

export class DecryptionError extends StoreError {
  override name = "DecryptionError";
}

export class EncryptingStore implements Store {
  private readonly byPrefix: { prefix: string; providers: Provider[] }[] = [];

  constructor(
    private readonly inner: Store,
    rules: readonly EncryptionRule[],
    resources: readonly StoredResource[],
  ) {
    for (const r of resources) {
      const rule = rules.find((x) => x.resources.some((p) => patternMatches(p, r.group, r.resource)));
      if (rule) this.byPrefix.push({ prefix: `${r.prefix}/`, providers: rule.providers });
    }
    // The longest prefix wins (apps/deployments/ before a core resource named apps).
    this.byPrefix.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The providers for a key; undefined: not encrypted. */
  providersFor(key: string): Provider[] | undefined {
    return this.byPrefix.find((p) => key.startsWith(p.prefix))?.providers;
  }

  encode(key: string, value: string): string {
    const first = this.providersFor(key)?.[0];
    return first ? first.encrypt(value, key) : value;
  }

  decode(key: string, value: string): string {
    const providers = this.providersFor(key);
    // Values of other resources are plain, unless they were encrypted under an older config.
    const candidates = providers ?? [];
    for (const p of candidates) {
      const plain = p.decrypt(value, key);
      if (plain !== undefined) return plain;
    }
    if (!value.startsWith("k8s:enc:") && (!providers || candidates.some((p) => p.name === "identity")))
      return value;
    if (!providers)
      throw new DecryptionError(`no encryption provider configured for ${key}, which is encrypted`);
    throw new DecryptionError(
      `no matching prefix found for ${key}: cannot decrypt with the configured providers`,
    );
  }

  /** A value is stale when not written by the first provider's first key (rotation rewrites it). */
  stale(key: string, value: string): boolean {
    const first = this.providersFor(key)?.[0];
    return first !== undefined && !first.current(value);
  }

  private kv(kv: KeyValue): KeyValue {
    return { ...kv, value: this.decode(kv.key, kv.value) };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const kv = await this.inner.get(key);
    return kv && this.kv(kv);
  }

  async list(prefix: string, options?: ListOptions): Promise<ListResult> {
    const r = await this.inner.list(prefix, options);
    return { ...r, kvs: r.kvs.map((kv) => this.kv(kv)) };
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  async create(key: string, value: string, options?: WriteOptions): Promise<KeyValue> {
    const kv = await this.inner.create(key, this.encode(key, value), options);
    return { ...kv, value };
  }

  async update(
    key: string,
    value: string,
    expectedModRevision: number,
    options?: WriteOptions,
  ): Promise<KeyValue> {
    try {
      const kv = await this.inner.update(key, this.encode(key, value), expectedModRevision, options);
      return { ...kv, value };
    } catch (err) {
      if (err instanceof ConflictError)
        throw new ConflictError(err.key, err.expectedModRevision, this.kv(err.current));
      throw err;
    }
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    try {
      const r = await this.inner.delete(key, expectedModRevision);
      return { ...r, prevKv: this.kv(r.prevKv) };
    } catch (err) {
      if (err instanceof ConflictError)
        throw new ConflictError(err.key, err.expectedModRevision, this.kv(err.current));
      throw err;
    }
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher {
    return this.inner.watch(prefix, fromRevision, {
      onEvents: (events) => {
        let decoded: WatchEvent[];
        try {
          decoded = events.map((e) =>
            e.type === "put"
              ? { ...e, kv: this.kv(e.kv), ...(e.prevKv ? { prevKv: this.kv(e.prevKv) } : {}) }
              : { ...e, prevKv: this.kv(e.prevKv) },
          );
        } catch (err) {
          listener.onError(err instanceof StoreError ? err : new StoreError(String(err)));
          return;
        }
        listener.onEvents(decoded);
      },
      onError: (err) => listener.onError(err),
      ...(listener.onProgress ? { onProgress: (rev: number) => listener.onProgress?.(rev) } : {}),
    });
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * Rewrites every value of an encrypted resource not written with the first provider's first
   * key (plain values, older keys): what upstream's `kubectl replace` of every Secret achieves.
   * Returns the number of values rewritten.
   */
  async rewriteStale(): Promise<number> {
    let rewritten = 0;
    for (const { prefix } of this.byPrefix) {
      let next: string | undefined;
      do {
        const page = await this.inner.list(prefix, { limit: 500, ...(next ? { continue: next } : {}) });
        for (const kv of page.kvs) {
          if (!this.stale(kv.key, kv.value)) continue;
          const plain = this.decodeForRewrite(kv);
          try {
            await this.inner.update(kv.key, this.encode(kv.key, plain), kv.modRevision);
            rewritten++;
          } catch (err) {
            // Written meanwhile: the new write used the current key already.
            if (!(err instanceof ConflictError)) throw err;
          }
        }
        next = page.continue;
      } while (next);
    }
    return rewritten;
  }

  /** Plain values are read even when identity is not listed: they are being migrated. */
  private decodeForRewrite(kv: KeyValue): string {
    if (!kv.value.startsWith("k8s:enc:")) return kv.value;
    return this.decode(kv.key, kv.value);
  }
}
