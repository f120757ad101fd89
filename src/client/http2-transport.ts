// Transport over HTTP/2 (node:http2): every request and watch is a stream on one of a few shared
// TLS sessions, so thousands of hollow nodes cost one connection's TLS and HPACK-compressed
// headers instead of a socket and an HTTP/1.1 parse each. A session that gets a GOAWAY or breaks
// is dropped and the next request opens a new one; a stream the server refused unprocessed
// (REFUSED_STREAM, or a session already going away) is sent once more. `close()` destroys all.
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  type IncomingHttpHeaders,
} from "node:http2";
import { createSecureContext } from "node:tls";
import type { ClusterConnection } from "./kubeconfig.ts";
import {
  readableStream,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  type TransportStream,
} from "./transport.ts";

export interface Http2TransportOptions {
  connection: ClusterConnection;
  /** Sessions (TLS connections) that streams are spread over, round robin (default 1). */
  sessions?: number;
  /** Sent as User-Agent (default "skiff-client"). */
  userAgent?: string;
  /** A session with no open stream for this long is closed (default 30 s). */
  idleSessionTimeoutMs?: number;
  /**
   * Receive window per stream and per session in bytes (default 4 MiB / 32 MiB). HTTP/2's default
   * 64 KiB would make a large LIST or a busy watch wait a round trip per 64 KiB.
   */
  streamWindowBytes?: number;
  sessionWindowBytes?: number;
}

/** Response headers without HTTP/2's `:` pseudo-headers; repeated values joined. */
function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    if (k.charCodeAt(0) === 58 /* ':' */) continue;
    const v = headers[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

/** The server did not process the stream: safe to send again, whatever the method. */
function refusedUnprocessed(stream: ClientHttp2Stream | undefined, err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ERR_HTTP2_GOAWAY_SESSION" || code === "ERR_HTTP2_INVALID_SESSION") return true;
  return stream?.rstCode === constants.NGHTTP2_REFUSED_STREAM;
}

interface Started {
  stream: ClientHttp2Stream;
  headers: IncomingHttpHeaders;
}

export class Http2Transport implements Transport {
  private readonly authority: string;
  private readonly secureContext;
  private readonly slots: (ClientHttp2Session | undefined)[];
  private next = 0;
  private readonly streams = new Set<ClientHttp2Stream>();
  /** Open streams per session, to let a session without any stop keeping the process alive. */
  private readonly perSession = new WeakMap<ClientHttp2Session, number>();
  /** cancel() of every TransportStream handed out and not ended yet. */
  private readonly cancels = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: Http2TransportOptions) {
    const c = options.connection;
    const url = new URL(c.server);
    this.authority = `https://${url.host}`;
    this.secureContext = createSecureContext({
      ...(c.ca ? { ca: c.ca } : {}),
      ...(c.cert ? { cert: c.cert } : {}),
      ...(c.key ? { key: c.key } : {}),
    });
    this.slots = new Array(Math.max(1, options.sessions ?? 1)).fill(undefined);
  }

  /** Sessions open now (tests). */
  get openSessions(): number {
    return this.slots.filter((s) => s && !s.closed && !s.destroyed).length;
  }

  private usable(s: ClientHttp2Session | undefined): s is ClientHttp2Session {
    return s !== undefined && !s.closed && !s.destroyed;
  }

  private session(): ClientHttp2Session {
    const i = this.next;
    this.next = (i + 1) % this.slots.length;
    const current = this.slots[i];
    if (this.usable(current)) return current;
    const c = this.options.connection;
    const streamWindow = this.options.streamWindowBytes ?? 4 << 20;
    const session = connect(this.authority, {
      secureContext: this.secureContext,
      rejectUnauthorized: c.insecureSkipTlsVerify !== true,
      settings: { initialWindowSize: streamWindow, enablePush: false },
    });
    this.slots[i] = session;
    const forget = (): void => {
      if (this.slots[i] === session) this.slots[i] = undefined;
    };
    session.once("connect", () => session.setLocalWindowSize(this.options.sessionWindowBytes ?? 32 << 20));
    // GOAWAY: open streams finish on this session; new ones go to a fresh one.
    session.once("goaway", forget);
    session.once("close", forget);
    // Session errors reach the open streams too (they reject their requests); a listener keeps
    // them from being thrown as uncaught.
    session.on("error", forget);
    session.setTimeout(this.options.idleSessionTimeoutMs ?? 30_000, () => {
      // The timeout fires on inactivity; a session holding a quiet watch stays.
      if (this.countOn(session) === 0) {
        forget();
        session.close();
      }
    });
    // No stream open: the session alone does not keep the process alive.
    session.unref();
    return session;
  }

  private countOn(session: ClientHttp2Session): number {
    return this.perSession.get(session) ?? 0;
  }

  private track(stream: ClientHttp2Stream, session: ClientHttp2Session): void {
    this.streams.add(stream);
    const n = this.countOn(session);
    this.perSession.set(session, n + 1);
    if (n === 0) session.ref();
    stream.once("close", () => {
      this.streams.delete(stream);
      const left = this.countOn(session) - 1;
      this.perSession.set(session, left);
      if (left === 0 && !session.destroyed) session.unref();
    });
  }

  /** Opens a stream and resolves with it once the response headers arrived. */
  private start(r: TransportRequest, retried = false): Promise<Started> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error("transport closed"));
        return;
      }
      const headers: Record<string, string> = {
        ":method": r.method,
        ":path": r.path,
        "user-agent": this.options.userAgent ?? "skiff-client",
        accept: "application/json",
        ...r.headers,
      };
      const token = this.options.connection.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let stream: ClientHttp2Stream | undefined;
      let session: ClientHttp2Session;
      const retry = (err: unknown): boolean => {
        if (retried || this.closed || !refusedUnprocessed(stream, err)) return false;
        this.start(r, true).then(resolve, reject);
        return true;
      };
      try {
        session = this.session();
        stream = session.request(headers, {
          endStream: r.body === undefined,
          ...(r.signal ? { signal: r.signal } : {}),
        });
      } catch (err) {
        if (!retry(err)) reject(err);
        return;
      }
      const s = stream;
      this.track(s, session);
      // Settled by the response headers, or by the first of 'error' and 'close' before them.
      let settled = false;
      s.once("response", (h) => {
        settled = true;
        resolve({ stream: s, headers: h });
      });
      // Stays registered: after the headers the body's reader reports errors (and a stream may
      // emit more than one).
      s.on("error", (err) => {
        if (settled) return;
        settled = true;
        if (!retry(err)) reject(err);
      });
      // A stream closed without headers and without an error (RST with code 0, or aborted).
      s.once("close", () => {
        if (settled) return;
        settled = true;
        const err = new Error(`stream closed before a response (code ${s.rstCode})`);
        if (!retry(err)) reject(r.signal?.aborted ? r.signal.reason : err);
      });
      if (r.body !== undefined) s.end(r.body);
    });
  }

  async request(r: TransportRequest): Promise<TransportResponse> {
    const { stream, headers } = await this.start(r);
    stream.setEncoding("utf8");
    return new Promise((resolve, reject) => {
      let body = "";
      stream.on("data", (c: string) => {
        body += c;
      });
      stream.once("end", () =>
        resolve({ status: Number(headers[":status"] ?? 0), headers: plainHeaders(headers), body }),
      );
      stream.once("error", reject);
      stream.once("close", () => {
        if (!stream.readableEnded) reject(new Error(`stream closed early (code ${stream.rstCode})`));
      });
    });
  }

  async stream(r: TransportRequest): Promise<TransportStream> {
    const { stream, headers } = await this.start(r);
    stream.setEncoding("utf8");
    const s = readableStream(stream, {
      status: Number(headers[":status"] ?? 0),
      headers: plainHeaders(headers),
      close: () => stream.close(constants.NGHTTP2_CANCEL),
    });
    this.cancels.add(s.cancel);
    stream.once("close", () => this.cancels.delete(s.cancel));
    return s;
  }

  close(): void {
    this.closed = true;
    // Open streams end as cancelled (their `done` resolves), like TransportStream.cancel().
    for (const cancel of [...this.cancels]) cancel();
    for (const s of this.streams) s.close(constants.NGHTTP2_CANCEL);
    this.streams.clear();
    for (const [i, s] of this.slots.entries()) {
      s?.destroy();
      this.slots[i] = undefined;
    }
  }
}
