// A plain-HTTP /metrics listener for components that have no API server of their own (standalone
// scheduler, controller manager). Unauthenticated, so it binds loopback unless told otherwise.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { contentType } from "./format.ts";
import { registerProcessMetrics } from "./process.ts";
import { defaultRegistry, type Registry } from "./registry.ts";

export interface MetricsServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Default: the process-wide registry. */
  registry?: Registry;
}

export interface RunningMetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<RunningMetricsServer> {
  const registry = options.registry ?? defaultRegistry;
  registerProcessMetrics(registry);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
    } else if (path === "/healthz") {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    } else if (path === "/metrics") {
      registry.expose().then(
        (text) =>
          res.writeHead(200, { "Content-Type": contentType }).end(req.method === "HEAD" ? undefined : text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
