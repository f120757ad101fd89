// Reaching a node's kubelet for the streaming subresources: its address and port come from the
// Node object (InternalIP first, daemonEndpoints.kubeletEndpoint.Port), and the API server
// authenticates with its kubelet-client certificate. Logs are a plain GET streamed back; exec,
// attach and port-forward are Upgrade requests whose connection is spliced to the kubelet's
// after the same request line and upgrade headers are sent there (the kubelet speaks the
// WebSocket and SPDY protocols itself, so the bytes pass through untouched).
import { request } from "node:https";
import type { Duplex } from "node:stream";
import { connect, type TLSSocket } from "node:tls";
import type { Node } from "kubernetes-types/core/v1.js";
import { BadRequestError, InternalError, NotFoundError } from "../../api/errors.ts";
import type { RestContext } from "../rest/context.ts";

export interface KubeletClientConfig {
  /** PEM client certificate and key the kubelet accepts (the API server's kubelet-client). */
  cert: string;
  key: string;
}

export interface KubeletEndpoint {
  host: string;
  port: number;
}

const defaultKubeletPort = 10250;
const connectTimeoutMs = 10_000;

export async function kubeletEndpoint(ctx: RestContext, nodeName: string): Promise<KubeletEndpoint> {
  const nodes = ctx.deps.registry.resource("", "v1", "nodes");
  const node = nodes ? ((await ctx.deps.objects.get(nodes, "", nodeName)) as Node | undefined) : undefined;
  if (!node) throw new NotFoundError({ group: "", resource: "nodes" }, nodeName);
  const addresses = node.status?.addresses ?? [];
  const host =
    addresses.find((a) => a.type === "InternalIP")?.address ??
    addresses.find((a) => a.type === "ExternalIP")?.address ??
    addresses.find((a) => a.type === "Hostname")?.address;
  if (!host) throw new BadRequestError(`node "${nodeName}" has no address to reach its kubelet`);
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || defaultKubeletPort };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** GET on the kubelet, streaming its answer (status, body) to the client. */
export async function proxyGet(
  ctx: RestContext,
  config: KubeletClientConfig,
  endpoint: KubeletEndpoint,
  path: string,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = request(
      {
        host: endpoint.host,
        port: endpoint.port,
        path,
        method: "GET",
        cert: config.cert,
        key: config.key,
        // Kubelets serve self-signed certificates; Kubernetes does not verify them by default either.
        rejectUnauthorized: false,
        timeout: connectTimeoutMs,
      },
      (res) => {
        req.setTimeout(0);
        const type = res.headers["content-type"];
        ctx.res.writeHead(res.statusCode ?? 502, typeof type === "string" ? { "Content-Type": type } : {});
        ctx.res.onClose(() => res.destroy());
        res.on("data", (chunk: Buffer) => ctx.res.write(chunk));
        res.on("end", () => {
          ctx.res.end();
          resolve();
        });
        res.on("error", () => {
          ctx.res.end();
          resolve();
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out connecting")));
    req.on("error", (err) => {
      if (ctx.res.headersSent) {
        ctx.res.end();
        resolve();
      } else
        reject(
          new InternalError(`error dialing kubelet at ${endpoint.host}:${endpoint.port}: ${describe(err)}`),
        );
    });
    req.end();
  });
}

const forwardedHeaders = [
  "connection",
  "upgrade",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
  "x-stream-protocol-version",
];

/** Splices an Upgrade request's connection to the kubelet's `path`. */
export async function proxyUpgrade(
  ctx: RestContext,
  config: KubeletClientConfig,
  endpoint: KubeletEndpoint,
  path: string,
): Promise<void> {
  const upgrade = ctx.req.upgrade;
  if (!upgrade) throw new BadRequestError("Upgrade request required");
  const backend = await new Promise<TLSSocket>((resolve, reject) => {
    const socket = connect({
      host: endpoint.host,
      port: endpoint.port,
      cert: config.cert,
      key: config.key,
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
    });
    const timer = setTimeout(() => socket.destroy(new Error("timed out connecting")), connectTimeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(
        new InternalError(`error dialing kubelet at ${endpoint.host}:${endpoint.port}: ${describe(err)}`),
      );
    });
  });
  const lines = [`${ctx.req.method} ${path} HTTP/1.1`, `Host: ${endpoint.host}:${endpoint.port}`];
  for (const name of forwardedHeaders) {
    const v = ctx.req.headers[name];
    for (const value of v === undefined ? [] : Array.isArray(v) ? v : [v]) lines.push(`${name}: ${value}`);
  }
  backend.write(`${lines.join("\r\n")}\r\n\r\n`);
  if (upgrade.head.length > 0) backend.write(upgrade.head);
  splice(upgrade.socket, backend, ctx.deps.shutdown);
}

function splice(client: Duplex, backend: Duplex, shutdown: AbortSignal): void {
  const end = (): void => {
    client.destroy();
    backend.destroy();
  };
  client.pipe(backend);
  backend.pipe(client);
  client.on("close", end);
  backend.on("close", end);
  client.on("error", end);
  backend.on("error", end);
  if (shutdown.aborted) end();
  else shutdown.addEventListener("abort", end, { once: true });
  client.on("close", () => shutdown.removeEventListener("abort", end));
}
