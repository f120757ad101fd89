// The kubelet's HTTPS server (port 10250 by default): /healthz, /pods, /containerLogs and the
// streaming endpoints /exec, /attach and /portForward, upgraded to WebSocket or SPDY. The API
// server proxies kubectl's logs/exec/attach/port-forward here. Callers must present a client
// certificate of the cluster CA for the API server (group system:masters or the kubelet-client
// identity); Kubernetes would also ask the API server to authorize them (webhook mode).
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { WebSocketServer } from "ws";
import { contentType, defaultRegistry, registerProcessMetrics } from "../../metrics/index.ts";
import type { Runtime, StreamOptions } from "../runtime/runtime.ts";
import { findContainer, findSandbox } from "./locate.ts";
import { type LogOptions, streamLog } from "./logs.ts";
import {
  portForwardProtocol,
  portForwardWebSocketProtocol,
  servePortForward,
  webSocketDuplex,
} from "./portforward.ts";
import {
  serveSpdyCommand,
  serveWebSocketCommand,
  spdyProtocols,
  webSocketProtocols,
} from "./remotecommand.ts";
import { SpdySession } from "./spdy/session.ts";

/** The identity the API server presents to kubelets (its kubelet-client certificate). */
export const apiserverKubeletClientName = "kube-apiserver-kubelet-client";

export interface KubeletServerOptions {
  runtime: Runtime;
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls: { cert: string; key: string };
  /** The cluster CA that signs the API server's client certificate. */
  clientCa: string;
  /** The pods this kubelet runs, for /pods. */
  pods?: () => unknown[];
  /** Further authorized GET routes by exact path (/stats/summary, /metrics/resource). */
  routes?: ReadonlyMap<string, (res: ServerResponse, query: URLSearchParams) => Promise<void>>;
}

export interface RunningKubeletServer {
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

function statusBody(err: HttpError): string {
  return JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: err.message,
    reason: err.reason,
    code: err.code,
  });
}

function authorized(req: IncomingMessage): boolean {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return false;
  const subject = socket.getPeerCertificate()?.subject;
  if (!subject) return false;
  const list = (v: string | string[] | undefined): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list(subject.O).includes("system:masters") || list(subject.CN).includes(apiserverKubeletClientName);
}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === "true" || v === "1";
}

function positiveInt(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, "BadRequest", `invalid ${name} "${v}"`);
  return n;
}

function logOptions(query: URLSearchParams): LogOptions {
  const sinceSeconds = positiveInt(query, "sinceSeconds");
  const sinceTime = query.get("sinceTime");
  const since =
    sinceTime !== null && sinceTime !== ""
      ? Date.parse(sinceTime)
      : sinceSeconds !== undefined
        ? Date.now() - sinceSeconds * 1000
        : undefined;
  if (since !== undefined && Number.isNaN(since))
    throw new HttpError(400, "BadRequest", `invalid sinceTime "${sinceTime}"`);
  const tailLines = positiveInt(query, "tailLines");
  const limitBytes = positiveInt(query, "limitBytes");
  return {
    follow: flag(query, "follow"),
    timestamps: flag(query, "timestamps"),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(since !== undefined ? { since } : {}),
  };
}

function streamOptions(query: URLSearchParams): StreamOptions {
  const tty = flag(query, "tty");
  return {
    tty,
    stdin: flag(query, "stdin"),
    stdout: flag(query, "stdout"),
    stderr: flag(query, "stderr") && !tty,
  };
}

/** Values of a header that may be repeated or comma-separated (X-Stream-Protocol-Version). */
function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name.toLowerCase()];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function rejectUpgrade(socket: Duplex, err: HttpError): void {
  const body = statusBody(err);
  socket.end(
    `HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function startKubeletServer(options: KubeletServerOptions): Promise<RunningKubeletServer> {
  const { runtime } = options;
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered][0] ?? false });

  const serveRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "https://kubelet.invalid");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (url.pathname === "/healthz") {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
      return;
    }
    if (!authorized(req)) throw new HttpError(401, "Unauthorized", "Unauthorized");
    if (req.method !== "GET") throw new HttpError(405, "MethodNotAllowed", `${req.method} is not supported`);
    if (url.pathname === "/metrics") {
      registerProcessMetrics(defaultRegistry);
      res.writeHead(200, { "Content-Type": contentType }).end(await defaultRegistry.expose());
      return;
    }
    if (url.pathname === "/pods") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items: options.pods?.() ?? [] }),
      );
      return;
    }
    const route = options.routes?.get(url.pathname);
    if (route) {
      await route(res, url.searchParams);
      return;
    }
    if (parts[0] === "containerLogs" && parts.length === 4) {
      const [, namespace = "", pod = "", name = ""] = parts;
      const opts = logOptions(url.searchParams);
      const container = await findContainer(
        runtime,
        namespace,
        pod,
        name,
        flag(url.searchParams, "previous"),
      );
      if (!container) {
        const which = flag(url.searchParams, "previous") ? "previous terminated container" : "container";
        throw new HttpError(404, "NotFound", `${which} "${name}" in pod "${pod}" not found`);
      }
      res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
      res.flushHeaders();
      let closed = false;
      res.on("close", () => {
        closed = true;
      });
      await streamLog(
        container.logPath ?? "",
        opts,
        {
          write: (chunk) => res.write(chunk),
          get closed() {
            return closed;
          },
        },
        async () => {
          const now = await runtime.containerStatus(container.id).catch(() => undefined);
          return now?.state === "CONTAINER_RUNNING";
        },
      );
      res.end();
      return;
    }
    throw new HttpError(404, "NotFound", `the kubelet does not serve ${url.pathname}`);
  };

  const serveUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    if (!authorized(req)) throw new HttpError(401, "Unauthorized", "Unauthorized");
    const url = new URL(req.url ?? "/", "https://kubelet.invalid");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const kind = parts[0];
    const [, namespace = "", pod = "", name = ""] = parts;
    const webSocket = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
    const offered = webSocket
      ? headerList(req, "sec-websocket-protocol")
      : headerList(req, "x-stream-protocol-version");
    if (kind === "portForward" && parts.length === 3) {
      const sandbox = await findSandbox(runtime, namespace, pod);
      if (sandbox?.state !== "SANDBOX_READY") {
        throw new HttpError(404, "NotFound", `pod "${pod}" has no running sandbox on this node`);
      }
      const dial = (port: number) => runtime.portForward(sandbox.id, port);
      if (webSocket) {
        if (!offered.includes(portForwardWebSocketProtocol)) {
          throw new HttpError(400, "BadRequest", `unsupported port-forward protocols: ${offered.join(", ")}`);
        }
        wss.handleUpgrade(req, socket, head, (ws) =>
          servePortForward(new SpdySession(webSocketDuplex(ws)), dial),
        );
        return;
      }
      if (!offered.includes(portForwardProtocol)) {
        throw new HttpError(400, "BadRequest", `unsupported port-forward protocols: ${offered.join(", ")}`);
      }
      servePortForward(acceptSpdy(socket, head, portForwardProtocol), dial);
      return;
    }
    if ((kind === "exec" || kind === "attach") && parts.length === 4) {
      const container = await findContainer(runtime, namespace, pod, name);
      if (container?.state !== "CONTAINER_RUNNING") {
        throw new HttpError(400, "BadRequest", `container ${name} is not running in pod ${pod}`);
      }
      const opts = streamOptions(url.searchParams);
      const cmd = url.searchParams.getAll("command");
      if (kind === "exec" && cmd.length === 0)
        throw new HttpError(400, "BadRequest", "you must specify at least 1 command");
      const start = () =>
        kind === "exec" ? runtime.exec(container.id, { ...opts, cmd }) : runtime.attach(container.id, opts);
      if (webSocket) {
        const protocol = offered.find((p) => (webSocketProtocols as readonly string[]).includes(p));
        if (!protocol)
          throw new HttpError(400, "BadRequest", `unsupported stream protocols: ${offered.join(", ")}`);
        wss.handleUpgrade(req, socket, head, (ws) => void serveWebSocketCommand(ws, protocol, start));
        return;
      }
      const protocol = offered.find((p) => (spdyProtocols as readonly string[]).includes(p));
      if (!protocol)
        throw new HttpError(400, "BadRequest", `unsupported stream protocols: ${offered.join(", ")}`);
      void serveSpdyCommand(acceptSpdy(socket, head, protocol), opts, start);
      return;
    }
    throw new HttpError(404, "NotFound", `the kubelet does not serve ${url.pathname}`);
  };

  const server: Server = createServer(
    {
      cert: options.tls.cert,
      key: options.tls.key,
      ca: options.clientCa,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      serveRequest(req, res).catch((err: unknown) => {
        const e = err instanceof HttpError ? err : new HttpError(500, "InternalError", String(err));
        if (!res.headersSent)
          res.writeHead(e.code, { "Content-Type": "application/json" }).end(statusBody(e));
        else res.end();
      });
    },
  );
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    serveUpgrade(req, socket, head).catch((err: unknown) => {
      rejectUpgrade(
        socket,
        err instanceof HttpError ? err : new HttpError(500, "InternalError", String(err)),
      );
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("secureConnection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      for (const c of wss.clients) c.terminate();
      wss.close();
      await closed;
    },
  };
}

function acceptSpdy(socket: Duplex, head: Buffer, protocol: string): SpdySession {
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
  if (head.length > 0) socket.unshift(head);
  return new SpdySession(socket);
}
