// The API server's TLS listener: HTTP/2 and HTTP/1.1 on one port, chosen by ALPN. Browsers and Go
// clients that offer h2 multiplex every list and watch on one connection (over HTTP/1.1 a browser
// opens at most six per server, and each open watch holds one); clients that speak only HTTP/1.1,
// and every Upgrade request (SPDY and WebSocket for exec, attach, port-forward), get HTTP/1.1 as
// before. Large responses are gzipped for clients that ask (gzip.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createSecureServer,
  type Http2SecureServer,
  Http2ServerRequest,
  Http2ServerResponse,
  type ServerHttp2Session,
} from "node:http2";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { compressLarge, mayCompress } from "./gzip.ts";
import { fromNodeRequest, peerCertificate, toResponseSink, upgradeSink } from "./node.ts";
import type { ApiRequest, ResponseSink } from "./sink.ts";

export interface ApiListenerOptions {
  tls: { cert: string; key: string; ca: string };
  /** Every request but upgrades. */
  onRequest(req: ApiRequest, res: ResponseSink): void;
  /** Upgrade requests (HTTP/1.1 only): the sink answers an error on the raw connection. */
  onUpgrade(req: ApiRequest, res: ResponseSink): void;
}

export interface ApiListener {
  server: Http2SecureServer;
  /**
   * Starts a graceful close: HTTP/1.1 responses not begun yet, and those of requests arriving
   * later, say "Connection: close" (the connection ends once they are sent); HTTP/2 sessions get a
   * GOAWAY (their open streams finish, no new ones). Keep-alive clients that keep sending would
   * otherwise keep requests in flight, and the drain waiting for none, forever.
   */
  beginClose(): void;
  /** Resolves once every response begun so far has been sent (or its stream has closed). */
  responsesSent(): Promise<void>;
  /** Ends the HTTP/1.1 connections with no response in progress (idle keep-alive ones). */
  closeIdleConnections(): void;
  /** Ends every connection at once (after the server has stopped accepting and drained). */
  closeConnections(): void;
}

/** An HTTP/2 request as the filter chain sees it: headers without the `:` pseudo-headers. */
export function fromHttp2Request(req: Http2ServerRequest): ApiRequest {
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) if (!name.startsWith(":")) headers[name] = value;
  headers.host ??= req.authority;
  // The session's own socket: the compatibility layer's req.socket is a new proxy per stream,
  // which would defeat peerCertificate's per-connection cache.
  const socket = req.stream.session?.socket as TLSSocket | undefined;
  const cert = socket ? peerCertificate({ socket }) : undefined;
  return {
    method: req.method,
    url: req.url,
    headers,
    body: req,
    ...(socket?.remoteAddress ? { remoteAddress: socket.remoteAddress } : {}),
    ...(cert ? { peerCertificate: cert } : {}),
  };
}

export function createApiListener(options: ApiListenerOptions): ApiListener {
  let closing = false;
  // Responses not yet sent in full ('close' comes once the last bytes are handed to the socket).
  const responses = new Set<ServerResponse | Http2ServerResponse>();
  const sent: (() => void)[] = [];
  const server = createSecureServer(
    {
      cert: options.tls.cert,
      key: options.tls.key,
      ca: options.tls.ca,
      requestCert: true,
      // Unverified or absent client certificates fall through to token/anonymous authentication.
      rejectUnauthorized: false,
      allowHTTP1: true,
      // A list of thousands of objects is written faster than a slow client reads it; the
      // default 10 MB of buffered data per session would make nghttp2 refuse new streams.
      maxSessionMemory: 256,
    },
    (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
      // HTTP/2 forbids connection headers: its sessions get a GOAWAY instead (beginClose).
      if (closing && !(res instanceof Http2ServerResponse)) res.setHeader("Connection", "close");
      responses.add(res);
      res.once("close", () => {
        responses.delete(res);
        if (responses.size === 0) for (const f of sent.splice(0)) f();
      });
      const apiReq =
        req instanceof Http2ServerRequest ? fromHttp2Request(req) : fromNodeRequest(req as IncomingMessage);
      const sink = toResponseSink(res);
      options.onRequest(apiReq, mayCompress(apiReq) ? compressLarge(sink) : sink);
    },
  );
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    options.onUpgrade(fromNodeRequest(req, { socket, head }), upgradeSink(socket));
  });
  // The HTTP/1.1 side's timeouts (node:http's): long watches must not be cut by a request timeout.
  const http1 = server as unknown as {
    requestTimeout: number;
    headersTimeout: number;
    keepAliveTimeout: number;
  };
  http1.requestTimeout = 0;
  http1.headersTimeout = 60_000;
  http1.keepAliveTimeout = 65_000;
  // Every connection, HTTP/1.1 or HTTP/2, to end them on close (Http2SecureServer has no
  // closeAllConnections).
  const sockets = new Set<TLSSocket>();
  const sessions = new Set<ServerHttp2Session>();
  server.on("secureConnection", (socket: TLSSocket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  return {
    server,
    beginClose() {
      closing = true;
      for (const res of responses)
        if (!(res instanceof Http2ServerResponse) && !res.headersSent) res.setHeader("Connection", "close");
      for (const session of sessions) session.close();
    },
    responsesSent() {
      return responses.size === 0 ? Promise.resolve() : new Promise((resolve) => sent.push(resolve));
    },
    closeIdleConnections() {
      const busy = new Set<unknown>();
      for (const res of responses) if (!(res instanceof Http2ServerResponse)) busy.add(res.socket);
      const http2 = new Set<unknown>([...sessions].map((s) => s.socket));
      for (const socket of sockets) if (!busy.has(socket) && !http2.has(socket)) socket.destroy();
    },
    closeConnections() {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}
