// A thin etcd v3 gRPC client: one channel per endpoint, unary calls with failover to the next
// endpoint on UNAVAILABLE, and raw watch streams. It knows nothing about the Store.
import type * as grpc from "@grpc/grpc-js";
import { StoreClosedError, StoreUnavailableError } from "../store.ts";
import { type Method, methods, type WatchRequest, type WatchResponse } from "./proto.ts";

export interface EtcdClientOptions {
  /** "host:port" or "http://host:port" of each member. */
  endpoints: string[];
  /** How long `connect` waits for a first answer before giving up; default 5000 ms. */
  connectTimeoutMs?: number;
  /** Deadline of one unary request, including failover retries; default 15000 ms. */
  requestTimeoutMs?: number;
}

export interface CallOptions {
  /** Safe to send again when the outcome is unknown (reads, or writes guarded by a compare). */
  idempotent: boolean;
  /** Overrides EtcdClientOptions.requestTimeoutMs. */
  timeoutMs?: number;
}

const channelOptions: grpc.ClientOptions = {
  // etcd answers a large list in one message; its own client allows up to 2 GiB.
  "grpc.max_receive_message_length": 2 ** 31 - 1,
  "grpc.max_send_message_length": 2 ** 31 - 1,
  // Detects a dead member under an open watch; etcd's server accepts pings every 5 s.
  "grpc.keepalive_time_ms": 30_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 2_000,
  // We fail over and retry ourselves, and nobody reads channelz: both cost CPU on every call.
  "grpc.enable_retries": 0,
  "grpc.enable_channelz": 0,
};

/**
 * gRPC status codes (fixed by the gRPC spec) used here, so that grpc-js itself loads only when a
 * client connects: a server on SQLite never pays for it (a few MB of idle memory).
 */
export const GrpcStatus = {
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  OUT_OF_RANGE: 11,
  UNAVAILABLE: 14,
} as const;

type GrpcModule = typeof grpc;

/** Normalizes "http://h:p" and "h:p" to a gRPC target; https needs TLS, which is not done yet. */
export function parseEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim();
  if (trimmed.startsWith("https://")) {
    throw new StoreUnavailableError(`etcd endpoint ${endpoint}: TLS is not supported yet`);
  }
  const target = trimmed.replace(/^(http|etcd):\/\//, "").replace(/\/+$/, "");
  if (!/^[^/:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(target)) {
    throw new StoreUnavailableError(`etcd endpoint ${JSON.stringify(endpoint)} is not host:port`);
  }
  return target;
}

/** Splits a datastore URL `etcd://h1:2379,h2:2379` into endpoints. */
export function parseEtcdUrl(url: string): string[] {
  if (!url.startsWith("etcd://")) throw new StoreUnavailableError(`not an etcd URL: ${url}`);
  return url
    .slice("etcd://".length)
    .split(",")
    .filter((e) => e !== "")
    .map(parseEndpoint);
}

export function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === "number";
}

/**
 * UNAVAILABLE for a request that was certainly not applied, so it may be sent again even if it
 * is a write: it never left this process (no connection), or the member refused it up front
 * because it has no leader. grpc-js and etcd report these only in the status text.
 */
function notSent(err: grpc.ServiceError): boolean {
  return (
    err.code === GrpcStatus.UNAVAILABLE &&
    /No connection established|connect ECONNREFUSED|etcdserver: no leader/i.test(err.details)
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class EtcdClient {
  readonly endpoints: readonly string[];
  private readonly clients: grpc.Client[];
  private current = 0;
  private closed = false;
  private readonly requestTimeoutMs: number;

  private constructor(
    private readonly grpc: GrpcModule,
    endpoints: string[],
    requestTimeoutMs: number,
  ) {
    this.endpoints = endpoints;
    this.requestTimeoutMs = requestTimeoutMs;
    this.clients = endpoints.map(
      (e) => new grpc.Client(e, grpc.credentials.createInsecure(), channelOptions),
    );
  }

  /** Connects to the first endpoint that answers a read; StoreUnavailableError if none does in time. */
  static async connect(options: EtcdClientOptions): Promise<EtcdClient> {
    if (options.endpoints.length === 0) throw new StoreUnavailableError("no etcd endpoints given");
    const endpoints = options.endpoints.map(parseEndpoint);
    const client = new EtcdClient(
      await import("@grpc/grpc-js"),
      endpoints,
      options.requestTimeoutMs ?? 15_000,
    );
    const timeoutMs = options.connectTimeoutMs ?? 5_000;
    try {
      await client.probe(timeoutMs);
    } catch (err) {
      client.close();
      const reason = isServiceError(err) ? err.details : err instanceof Error ? err.message : String(err);
      throw new StoreUnavailableError(
        `etcd is unreachable at ${endpoints.join(", ")} (waited ${timeoutMs} ms): ${reason}`,
      );
    }
    return client;
  }

  /** Asks each endpoint in turn for a cheap read until one answers; it becomes the current one. */
  private async probe(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // A black-holed member must not use up the whole budget before the next one is tried.
    const perAttemptMs = Math.max(500, Math.floor(timeoutMs / this.clients.length));
    let lastError: unknown = new Error("no attempt made");
    while (Date.now() < deadline) {
      for (let i = 0; i < this.clients.length && Date.now() < deadline; i++) {
        try {
          const attemptDeadline = Math.min(deadline, Date.now() + perAttemptMs);
          await this.unary(i, methods.range, { key: Buffer.from([0]), countOnly: true }, attemptDeadline);
          this.current = i;
          return;
        } catch (err) {
          lastError = err;
        }
      }
      await sleep(Math.min(200, Math.max(0, deadline - Date.now())));
    }
    throw lastError;
  }

  /** The endpoint requests go to now. */
  get endpoint(): string {
    return this.endpoints[this.current]!;
  }

  /** Moves to the next endpoint after `failed` stopped answering (no-op if someone already did). */
  failover(failed: number): void {
    if (this.current === failed) this.current = (failed + 1) % this.clients.length;
  }

  /**
   * One unary request. UNAVAILABLE moves to the next endpoint and retries, with backoff once
   * every endpoint failed, until the deadline; a write whose outcome is unknown is not resent.
   * Rejects with the grpc ServiceError (callers translate it), or StoreClosedError.
   */
  async call<Req, Res>(method: Method<Req, Res>, request: Req, options: CallOptions): Promise<Res> {
    const deadline = Date.now() + (options.timeoutMs ?? this.requestTimeoutMs);
    let failures = 0;
    for (;;) {
      if (this.closed) throw new StoreClosedError();
      const index = this.current;
      try {
        return await this.unary(index, method, request, deadline);
      } catch (err) {
        if (!isServiceError(err) || err.code !== GrpcStatus.UNAVAILABLE) throw err;
        if (this.closed) throw new StoreClosedError();
        this.failover(index);
        if (!options.idempotent && !notSent(err)) throw err;
        failures++;
        // A full round over the endpoints failed: back off before the next round.
        if (failures % this.clients.length === 0) {
          const wait = Math.min(1_000, 50 * 2 ** (failures / this.clients.length));
          if (Date.now() + wait >= deadline) throw err;
          await sleep(wait);
        }
        if (Date.now() >= deadline) throw err;
      }
    }
  }

  private unary<Req, Res>(
    index: number,
    method: Method<Req, Res>,
    request: Req,
    deadline: number,
  ): Promise<Res> {
    const client = this.clients[index]!;
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        method.path,
        method.serialize,
        method.deserialize,
        request,
        new this.grpc.Metadata(),
        { deadline },
        (err, response) => {
          if (err) reject(err);
          else if (response === undefined) reject(new Error(`${method.path}: empty response`));
          else resolve(response);
        },
      );
    });
  }

  /** Opens a Watch stream on the current endpoint; `index` tells `failover` which one it was. */
  openWatchStream(): { stream: grpc.ClientDuplexStream<WatchRequest, WatchResponse>; index: number } {
    if (this.closed) throw new StoreClosedError();
    const index = this.current;
    const stream = this.clients[index]!.makeBidiStreamRequest(
      methods.watch.path,
      methods.watch.serialize,
      methods.watch.deserialize,
      new this.grpc.Metadata(),
      {},
    );
    return { stream, index };
  }

  /** Closes every channel; in-flight calls fail with CANCELLED / UNAVAILABLE. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.clients) c.close();
  }
}
