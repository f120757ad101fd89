// The HTTPS listener: TLS with optional client certificates verified against the cluster CA,
// each request handed to the ApiHandler; graceful close (stop accepting, end watches, drain).
import type { AddressInfo } from "node:net";
import type { ApiHandler } from "./handler.ts";
import { createApiListener } from "./http/listener.ts";

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
  // HTTP/2 and HTTP/1.1 on one port (browsers multiplex; upgrades stay HTTP/1.1), gzip of large responses.
  const { server, closeConnections } = createApiListener({
    tls: options.tls,
    onRequest: (req, res) => void options.handler.serve(req, res),
    onUpgrade: (req, res) => void options.handler.serve(req, res),
  });
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
        closeConnections();
        await closed;
      })();
      return closing;
    },
  };
}
