// Forwards one HTTP request (or protocol upgrade, e.g. WebSocket) to a backend endpoint: hop-by-hop
// headers dropped, X-Forwarded-For/Proto/Host/Port added, keep-alive agents per endpoint, and one
// retry on another endpoint for idempotent requests without a body that failed before any answer.
import { type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { AgentPool } from "./agents.ts";
import type { Target } from "./backends.ts";
import { type Balancer, targetKey } from "./balancer.ts";

export interface ForwardContext {
  balancer: Balancer;
  agents: AgentPool;
  /** The scheme the client used. */
  proto: "http" | "https";
  /** Connect timeout per attempt (default 3 s). */
  connectTimeoutMs?: number;
  /** Called for each endpoint failure (for logs). */
  onBackendError?: (target: Target, err: Error) => void;
}

export interface ServiceBackendRef {
  id: string;
  targets: readonly Target[];
}

const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
const idempotent = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
// Errors that say the endpoint is not there (as opposed to a reset of a reused connection).
const connectErrors = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNABORTED"]);

function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const v = headers.connection;
  return new Set(
    (v ?? "")
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t),
  );
}

/** Request headers for the backend: end-to-end ones plus X-Forwarded-*. */
export function upstreamHeaders(
  req: IncomingMessage,
  proto: "http" | "https",
): Record<string, string | string[]> {
  const drop = connectionTokens(req.headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || hopByHop.has(name) || drop.has(name)) continue;
    out[name] = value;
  }
  const client = req.socket.remoteAddress ?? "";
  const prior = req.headers["x-forwarded-for"];
  out["x-forwarded-for"] = prior ? `${Array.isArray(prior) ? prior.join(", ") : prior}, ${client}` : client;
  out["x-forwarded-proto"] = proto;
  if (req.headers.host) out["x-forwarded-host"] = req.headers.host;
  out["x-forwarded-port"] = String(req.socket.localPort ?? "");
  out["x-real-ip"] = client;
  return out;
}

/** Response raw headers without hop-by-hop ones (kept as a flat name/value list). */
export function downstreamHeaders(raw: string[]): string[] {
  const drop = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] ?? "").toLowerCase() === "connection") {
      for (const t of (raw[i + 1] ?? "").split(",")) drop.add(t.trim().toLowerCase());
    }
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] ?? "").toLowerCase();
    if (hopByHop.has(name) || drop.has(name)) continue;
    out.push(raw[i] ?? "", raw[i + 1] ?? "");
  }
  return out;
}

export function replyError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (len !== undefined && len !== "0");
}

function withConnectTimeout(upstream: ReturnType<typeof request>, ms: number): void {
  upstream.once("socket", (socket) => {
    if (!(socket as { connecting?: boolean }).connecting) return;
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`connect timeout after ${ms} ms`), { code: "ETIMEDOUT" });
      upstream.destroy(err);
    }, ms);
    socket.once("connect", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
  });
}

export function forwardRequest(
  ctx: ForwardContext,
  req: IncomingMessage,
  res: ServerResponse,
  backend: ServiceBackendRef,
): void {
  const headers = upstreamHeaders(req, ctx.proto);
  const retryable = idempotent.has(req.method ?? "") && !hasBody(req);
  if (!hasBody(req)) req.resume();
  const attempt = (retry: boolean, exclude?: string): void => {
    const target = ctx.balancer.pick(backend.id, backend.targets, exclude);
    if (!target) {
      replyError(res, 503, `503 Service Unavailable: no ready endpoint for ${backend.id}`);
      return;
    }
    let answered = false;
    const upstream = request({
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: ctx.agents.agentFor(target),
    });
    withConnectTimeout(upstream, ctx.connectTimeoutMs ?? 3000);
    const onClientGone = (): void => {
      if (!res.writableFinished) upstream.destroy();
    };
    res.once("close", onClientGone);
    upstream.on("response", (answer) => {
      answered = true;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, downstreamHeaders(answer.rawHeaders));
      answer.pipe(res);
      answer.once("error", () => res.destroy());
    });
    upstream.on("error", (err: Error & { code?: string }) => {
      res.off("close", onClientGone);
      if (answered || res.destroyed) {
        res.destroy();
        return;
      }
      ctx.onBackendError?.(target, err);
      if (err.code && connectErrors.has(err.code)) ctx.balancer.markDown(target);
      if (retryable && !retry && backend.targets.length > 1) {
        attempt(true, targetKey(target));
        return;
      }
      replyError(res, 502, `502 Bad Gateway: ${backend.id}: ${err.code ?? err.message}`);
    });
    if (hasBody(req)) req.pipe(upstream);
    else upstream.end();
  };
  attempt(false);
}

function rawHead(status: number, message: string, raw: string[]): string {
  const lines = [`HTTP/1.1 ${status} ${message}`];
  for (let i = 0; i < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Passes a protocol upgrade through: the backend's 101 answer and then both byte streams; a
 * backend that answers without upgrading gets its answer relayed and the connection closed.
 */
export function forwardUpgrade(
  ctx: ForwardContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  backend: ServiceBackendRef,
  track: (s: Duplex) => void,
): void {
  const target = ctx.balancer.pick(backend.id, backend.targets);
  if (!target) {
    socket.end("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    return;
  }
  const headers = upstreamHeaders(req, ctx.proto);
  headers.connection = "Upgrade";
  headers.upgrade = req.headers.upgrade ?? "";
  const upstream = request({
    host: target.host,
    port: target.port,
    method: req.method,
    path: req.url,
    headers,
    agent: false,
  });
  withConnectTimeout(upstream, ctx.connectTimeoutMs ?? 3000);
  socket.on("error", () => upstream.destroy());
  upstream.on("upgrade", (answer, backendSocket, backendHead) => {
    track(backendSocket);
    socket.write(
      rawHead(answer.statusCode ?? 101, answer.statusMessage ?? "Switching Protocols", answer.rawHeaders),
    );
    if (backendHead.length > 0) socket.write(backendHead);
    if (head.length > 0) backendSocket.write(head);
    backendSocket.on("error", () => socket.destroy());
    socket.on("error", () => backendSocket.destroy());
    backendSocket.pipe(socket).on("close", () => backendSocket.destroy());
    socket.pipe(backendSocket).on("close", () => socket.destroy());
  });
  upstream.on("response", (answer) => {
    socket.write(
      rawHead(answer.statusCode ?? 502, answer.statusMessage ?? "", [
        ...downstreamHeaders(answer.rawHeaders),
        "connection",
        "close",
      ]),
    );
    answer.pipe(socket);
  });
  upstream.on("error", (err: Error & { code?: string }) => {
    ctx.onBackendError?.(target, err);
    if (err.code && connectErrors.has(err.code)) ctx.balancer.markDown(target);
    socket.end("HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
  });
  upstream.end();
}
