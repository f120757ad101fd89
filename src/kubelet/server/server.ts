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
import { contentType, defaultRegistry, registerProcessMetrics } from "../../metrics/index.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { flag, HttpError, statusBody } from "./http-error.ts";
import { findContainer } from "./locate.ts";
import { type LogOptions, streamLog } from "./logs.ts";
import type { StreamingServer } from "./streaming.ts";

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

function authorized(req: IncomingMessage): boolean {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return false;
  const subject = socket.getPeerCertificate()?.subject;
  if (!subject) return false;
  const list = (v: string | string[] | undefined): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list(subject.O).includes("system:masters") || list(subject.CN).includes(apiserverKubeletClientName);
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

function rejectUpgrade(socket: Duplex, err: HttpError): void {
  const body = statusBody(err);
  socket.end(
    `HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function startKubeletServer(options: KubeletServerOptions): Promise<RunningKubeletServer> {
  const { runtime } = options;
  const sockets = new Set<Socket>();

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

  // The streaming endpoints (ws, SPDY, exec/attach/port-forward) load on the first upgrade: an
  // idle agent does not keep their code in memory.
  let streaming: Promise<StreamingServer> | undefined;
  const serveUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    if (!authorized(req)) throw new HttpError(401, "Unauthorized", "Unauthorized");
    streaming ??= import("./streaming.ts").then((m) => new m.StreamingServer(runtime));
    await (await streaming).serveUpgrade(req, socket, head);
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
      if (streaming) (await streaming).close();
      await closed;
    },
  };
}
