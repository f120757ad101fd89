// One Store watch on an etcd Watch stream. When the stream breaks it is re-created from the last
// revision delivered (events or progress), so nothing is lost or repeated; the listener only
// hears of it if etcd stays unreachable longer than `retryForMs`.
import type { ClientDuplexStream, ServiceError } from "@grpc/grpc-js";
import {
  CompactedError,
  StoreError,
  StoreUnavailableError,
  type WatchEvent,
  type Watcher,
  type WatchListener,
} from "../store.ts";
import type { EtcdClient } from "./client.ts";
import type { KeySpace } from "./keys.ts";
import { type PbEvent, toNumber, type WatchRequest, type WatchResponse } from "./proto.ts";

export interface EtcdWatchOptions {
  client: EtcdClient;
  keys: KeySpace;
  /** Relative prefix watched. */
  prefix: string;
  /** Deliver changes with revision > fromRevision. */
  fromRevision: number;
  listener: WatchListener;
  /** How long a broken stream is retried before onError(StoreUnavailableError); default 30000 ms. */
  retryForMs?: number;
  /** Called once when the watch ends, however it ends (so its owner can forget it). */
  onEnded: (watch: EtcdWatch) => void;
  /** Reports stream breaks (not errors of the watch itself). */
  onStreamError?: (err: Error, attempt: number) => void;
}

type Stream = ClientDuplexStream<WatchRequest, WatchResponse>;

export class EtcdWatch implements Watcher {
  /** The last revision the listener is known to have seen everything up to. */
  private delivered: number;
  private stream: Stream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private brokenSince: number | undefined;
  private attempts = 0;
  private ended = false;

  constructor(private readonly options: EtcdWatchOptions) {
    this.delivered = options.fromRevision;
    this.open();
  }

  /** Revision up to which every change has been delivered. */
  get revision(): number {
    return this.delivered;
  }

  close(): void {
    this.end();
  }

  /** Ends the watch with a terminal error delivered to the listener. */
  fail(error: StoreError): void {
    if (this.ended) return;
    this.end();
    this.options.listener.onError(error);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dropStream();
    this.options.onEnded(this);
  }

  private dropStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (stream) {
      stream.cancel();
      // The cancellation surfaces as an error event; nobody else listens for it.
      stream.on("error", () => {});
    }
  }

  private open(): void {
    const { client, keys, prefix } = this.options;
    let opened: { stream: Stream; index: number };
    try {
      opened = client.openWatchStream();
    } catch (err) {
      this.fail(err instanceof StoreError ? err : new StoreError(String(err)));
      return;
    }
    const { stream, index } = opened;
    this.stream = stream;
    stream.on("data", (res: WatchResponse) => {
      if (stream === this.stream) this.onResponse(res);
    });
    stream.on("error", (err: ServiceError) => {
      if (stream !== this.stream) return;
      if (err.code === 14 /* UNAVAILABLE */) client.failover(index);
      this.broken(err);
    });
    stream.on("end", () => {
      if (stream === this.stream) this.broken(new Error("etcd closed the watch stream"));
    });
    const { key, rangeEnd } = keys.range(prefix);
    stream.write({
      createRequest: { key, rangeEnd, startRevision: this.delivered + 1, prevKv: true, progressNotify: true },
    });
  }

  private broken(err: Error): void {
    if (this.ended) return;
    this.dropStream();
    const now = Date.now();
    this.brokenSince ??= now;
    const retryForMs = this.options.retryForMs ?? 30_000;
    if (now - this.brokenSince >= retryForMs) {
      this.fail(
        new StoreUnavailableError(
          `etcd watch could not be re-established for ${retryForMs} ms: ${err.message}`,
        ),
      );
      return;
    }
    this.attempts++;
    this.options.onStreamError?.(err, this.attempts);
    const delay = Math.min(2_000, 50 * 2 ** Math.min(this.attempts, 6));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.ended) this.open();
    }, delay);
  }

  private onResponse(res: WatchResponse): void {
    const compactRevision = toNumber(res.compactRevision);
    if (compactRevision > 0) {
      this.fail(new CompactedError(this.delivered, compactRevision));
      return;
    }
    if (res.canceled) {
      this.fail(new StoreError(`etcd canceled the watch: ${res.cancelReason || "no reason given"}`));
      return;
    }
    if (res.created) {
      this.brokenSince = undefined;
      this.attempts = 0;
      return;
    }
    if (res.events.length > 0) {
      const events: WatchEvent[] = [];
      for (const e of res.events) {
        const event = this.toWatchEvent(e);
        if (!event) return;
        events.push(event);
      }
      // etcd never splits one revision over two responses (we do not ask for fragments).
      const last = events[events.length - 1]!;
      this.delivered = last.type === "put" ? last.kv.modRevision : last.revision;
      this.options.listener.onEvents(events);
      return;
    }
    // An empty response after creation is a progress notification: nothing up to its revision.
    const revision = toNumber(res.header?.revision);
    if (revision > this.delivered) {
      this.delivered = revision;
      this.options.listener.onProgress?.(revision);
    }
  }

  private toWatchEvent(e: PbEvent): WatchEvent | undefined {
    const { keys } = this.options;
    if (!e.kv) {
      this.fail(new StoreError("etcd sent a watch event without a key"));
      return undefined;
    }
    const kv = keys.toKeyValue(e.kv);
    const prevKv = e.prevKv ? keys.toKeyValue(e.prevKv) : undefined;
    if (e.type === 0) return prevKv ? { type: "put", kv, prevKv } : { type: "put", kv };
    if (!prevKv) {
      // etcd omits prev_kv when the revision before the delete is already compacted; the
      // watcher cannot produce a complete event, so the consumer must re-list (as after 410).
      this.fail(new CompactedError(this.delivered, kv.modRevision));
      return undefined;
    }
    return { type: "delete", revision: kv.modRevision, key: kv.key, prevKv };
  }
}

/**
 * The compact revision of the etcd keyspace, which only the Watch API reports: a watch from
 * revision 1 on an unused key is refused with it. Used to build a CompactedError for reads.
 */
export function probeCompactRevision(client: EtcdClient, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const { stream } = client.openWatchStream();
    const finish = (err: Error | undefined, revision = 0) => {
      clearTimeout(timer);
      stream.removeAllListeners("data");
      stream.on("error", () => {});
      stream.cancel();
      if (err) reject(err);
      else resolve(revision);
    };
    // No compaction at all: the watch is created and then stays silent (etcd reports a
    // compacted start within its 100 ms sync period).
    const timer = setTimeout(() => finish(undefined, 0), timeoutMs);
    stream.on("data", (res: WatchResponse) => {
      const revision = toNumber(res.compactRevision);
      if (revision > 0) finish(undefined, revision);
    });
    stream.on("error", (err: Error) => finish(err));
    stream.write({ createRequest: { key: Buffer.from([0]), startRevision: 1 } });
  });
}
