// The HTTPS listener: TLS with optional client certificates verified against the cluster CA,
// each request handed to the ApiHandler; graceful close (stop accepting, end watches, drain).
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { ApiHandler } from "./handler.ts";
import { fromNodeRequest, toResponseSink, upgradeSink } from "./http/node.ts";

export interface HttpsServerOptions {
  handler: ApiHandler;
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls: { cert: string; key: string; ca: string };
}

export interface RunningServer {
  host: string;
  port: number;
  /** Stops accepting, ends watches, waits for in-flight requests, then closes connections. */
  close(): Promise<void>;
}

export async function startHttpsServer(options: HttpsServerOptions): Promise<RunningServer> {
  const server: Server = createServer(
    {
      cert: options.tls.cert,
      key: options.tls.key,
      ca: options.tls.ca,
      requestCert: true,
      // Unverified or absent client certificates fall through to token/anonymous authentication.
      rejectUnauthorized: false,
    },
    (req, res) => {
      void options.handler.serve(fromNodeRequest(req), toResponseSink(res));
    },
  );
  // Upgrade requests (exec, attach, port-forward) run the same chain; the handler proxies the
  // connection to the kubelet or answers an error on the raw socket.
  server.on("upgrade", (req, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    void options.handler.serve(fromNodeRequest(req, { socket, head }), upgradeSink(socket));
  });
  // Long watches must not be cut by Node's default request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    host: options.host,
    port: address.port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        options.handler.closeWatches();
        await options.handler.drained();
        server.closeIdleConnections();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
