// One HTTPS listener on loopback for all hollow nodes of a sim process: /nodes/<name>/stats/summary
// and /nodes/<name>/metrics/resource per node, and /metrics/resource with every node's samples
// labelled `node`. The API server finds it through the node label sim.skiff.dev/stats-port and
// fetches the batch, so thousands of nodes cost one socket and one request per round.
// Callers must present a client certificate of the cluster CA (the API server's kubelet-client).
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { ensureServingCert } from "../server/cert.ts";
import { formatResourceMetrics, resourceMetricsContentType } from "../stats/resource-metrics.ts";
import { serveResourceMetrics, serveSummary } from "../stats/routes.ts";
import type { StatsProvider } from "../stats/summary.ts";
import { serveHollowMetrics } from "./prometheus.ts";

/** Read by the API server's metrics API (apiserver/metricsapi/scraper.ts). */
export const hollowStatsPortLabel = "sim.skiff.dev/stats-port";

const kubeletClientName = "kube-apiserver-kubelet-client";

export interface HollowStatsServerOptions {
  /** Default 127.0.0.1: only loopback. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The cluster CA (PEM); without it no caller is let in. */
  clientCa?: string;
  /** The provider of one node, undefined when this process has no such node. */
  providerFor(nodeName: string): StatsProvider | undefined;
  /** Every node served, for the batch. */
  nodeNames(): string[];
}

export interface RunningHollowStatsServer {
  port: number;
  close(): Promise<void>;
}

function authorized(req: IncomingMessage): boolean {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return false;
  const subject = socket.getPeerCertificate()?.subject;
  const list = (v: string | string[] | undefined): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list(subject?.O).includes("system:masters") || list(subject?.CN).includes(kubeletClientName);
}

function fail(res: ServerResponse, code: number, message: string): void {
  res.writeHead(code, { "Content-Type": "text/plain" }).end(`${message}\n`);
}

export async function startHollowStatsServer(o: HollowStatsServerOptions): Promise<RunningHollowStatsServer> {
  const dir = mkdtempSync(join(tmpdir(), "skiff-sim-cert-"));
  let tls: { cert: string; key: string };
  try {
    tls = await ensureServingCert(dir, "hollow-nodes", ["127.0.0.1"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sockets = new Set<Socket>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!authorized(req)) return fail(res, 401, "Unauthorized");
    if (req.method !== "GET") return fail(res, 405, `${req.method} is not supported`);
    const url = new URL(req.url ?? "/", "https://hollow.invalid");
    if (url.pathname === "/metrics/resource") return serveBatch(res);
    if (await serveHollowMetrics(o, url.pathname, res)) return;
    const m = /^\/nodes\/([^/]+)(\/stats\/summary\/?|\/metrics\/resource)$/.exec(url.pathname);
    if (!m?.[1] || !m[2]) return fail(res, 404, `not found: ${url.pathname}`);
    const provider = o.providerFor(decodeURIComponent(m[1]));
    if (!provider) return fail(res, 404, `no hollow node ${m[1]} here`);
    if (m[2].startsWith("/stats")) await serveSummary(provider, res, url.searchParams);
    else await serveResourceMetrics(provider, res);
  };
  const serveBatch = async (res: ServerResponse): Promise<void> => {
    const parts: string[] = [];
    for (const name of o.nodeNames()) {
      const provider = o.providerFor(name);
      if (!provider) continue;
      try {
        parts.push(
          formatResourceMetrics(await provider.summary(), { labels: { node: name }, comments: false }),
        );
      } catch {
        parts.push(
          formatResourceMetrics(
            { node: { nodeName: name }, pods: [] },
            { labels: { node: name }, comments: false, scrapeError: true },
          ),
        );
      }
    }
    res.writeHead(200, { "Content-Type": resourceMetricsContentType }).end(parts.join(""));
  };
  const server: Server = createServer(
    { ...tls, ...(o.clientCa ? { ca: o.clientCa } : {}), requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) fail(res, 500, String(err));
        else res.end();
      });
    },
  );
  server.on("secureConnection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
