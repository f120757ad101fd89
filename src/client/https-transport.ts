// Transport over HTTPS (node:https) with one keep-alive agent: CA, client certificate/key or a
// bearer token, usually loaded from a kubeconfig. `close()` destroys every socket it opened.
// Idle keep-alive sockets are closed by the client before the server's keepAliveTimeout (65 s
// for skiff) closes them, and a request that a reused socket's reset cut off before any response
// is sent once more on a fresh one: otherwise a request written just as the server closes an idle
// connection fails with `read ECONNRESET` (seen on bindings under load).
import type { ClientRequest, IncomingMessage } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { createSecureContext } from "node:tls";
import type { ClusterConnection } from "./kubeconfig.ts";
import type { Transport, TransportRequest, TransportResponse, TransportStream } from "./transport.ts";
import { readableStream } from "./transport.ts";

export interface HttpsTransportOptions {
  connection: ClusterConnection;
  /**
   * Sockets for plain requests per host (default 16). Watches and other streams have an agent of
   * their own without a limit: each holds its socket for its whole life, and a controller-manager
   * runs ~45 watches (the garbage collector watches every deletable resource), so one shared pool
   * of 64 left ~20 sockets for its requests and a burst of creates queued behind watches.
   */
  maxSockets?: number;
  /** Sent as User-Agent (default "skiff-client"). */
  userAgent?: string;
  /**
   * Idle keep-alive sockets are closed after this long (default 30 s; a server's shorter
   * `Keep-Alive: timeout=N` hint wins). Node's agent keeps them forever otherwise.
   */
  idleSocketTimeoutMs?: number;
}

/** The reused keep-alive socket was closed under the request before any response arrived. */
function resetOnReuse(req: ClientRequest, err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return req.reusedSocket && (code === "ECONNRESET" || code === "EPIPE");
}

/** Node already lower-cases incoming header names; only repeated headers need joining. */
function lowerHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const headers = res.headers;
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export class HttpsTransport implements Transport {
  private readonly agent: Agent;
  private readonly streamAgent: Agent;
  private readonly url: URL;
  private readonly open = new Set<ClientRequest>();
  private closed = false;

  constructor(private readonly options: HttpsTransportOptions) {
    const c = options.connection;
    this.url = new URL(c.server);
    // One TLS context for every connection: otherwise each new socket parses the CA, the
    // certificate and the key again (measurable when a burst opens dozens of sockets).
    const secureContext = createSecureContext({
      ...(c.ca ? { ca: c.ca } : {}),
      ...(c.cert ? { cert: c.cert } : {}),
      ...(c.key ? { key: c.key } : {}),
    });
    const rejectUnauthorized = c.insecureSkipTlsVerify !== true;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: options.maxSockets ?? 16,
      // Applies to sockets in use too, where it only emits 'timeout' (no listener: nothing happens).
      timeout: options.idleSocketTimeoutMs ?? 30_000,
      secureContext,
      rejectUnauthorized,
    });
    this.streamAgent = new Agent({
      keepAlive: true,
      maxFreeSockets: 4,
      timeout: options.idleSocketTimeoutMs ?? 30_000,
      secureContext,
      rejectUnauthorized,
    });
  }

  private start(
    agent: Agent,
    r: TransportRequest,
    onResponse: (res: IncomingMessage) => void,
    onError: (e: Error) => void,
    retried = false,
  ): ClientRequest | undefined {
    if (this.closed) {
      onError(new Error("transport closed"));
      return undefined;
    }
    const headers: Record<string, string> = {
      "user-agent": this.options.userAgent ?? "skiff-client",
      accept: "application/json",
      ...r.headers,
    };
    const token = this.options.connection.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (r.body !== undefined) headers["content-length"] = String(Buffer.byteLength(r.body));
    const req = httpsRequest({
      protocol: "https:",
      hostname: this.url.hostname.replace(/^\[|\]$/g, ""),
      port: this.url.port || 443,
      path: r.path,
      method: r.method,
      headers,
      agent,
      ...(r.signal ? { signal: r.signal } : {}),
    });
    this.open.add(req);
    req.once("close", () => this.open.delete(req));
    let responded = false;
    req.once("response", (res) => {
      responded = true;
      onResponse(res);
    });
    req.once("error", (err) => {
      // The server never saw this request (it closed the idle connection as it was written).
      if (!responded && !retried && !this.closed && resetOnReuse(req, err)) {
        this.start(agent, r, onResponse, onError, true);
        return;
      }
      onError(err);
    });
    req.end(r.body);
    return req;
  }

  request(r: TransportRequest): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      this.start(
        this.agent,
        r,
        (res) => {
          res.setEncoding("utf8");
          let body = "";
          res.on("data", (c: string) => {
            body += c;
          });
          res.once("end", () => resolve({ status: res.statusCode ?? 0, headers: lowerHeaders(res), body }));
          res.once("error", reject);
        },
        reject,
      );
    });
  }

  stream(r: TransportRequest): Promise<TransportStream> {
    return new Promise((resolve, reject) => {
      const req: ClientRequest | undefined = this.start(
        this.streamAgent,
        r,
        (res) => {
          res.setEncoding("utf8");
          resolve(
            readableStream(res, {
              status: res.statusCode ?? 0,
              headers: lowerHeaders(res),
              close: () => {
                res.destroy();
                req?.destroy();
              },
            }),
          );
        },
        reject,
      );
    });
  }

  close(): void {
    this.closed = true;
    for (const req of this.open) req.destroy();
    this.open.clear();
    this.agent.destroy();
    this.streamAgent.destroy();
  }
}
