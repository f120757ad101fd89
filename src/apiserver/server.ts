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
  /** How long close() waits for in-flight requests before cutting connections (default 10 s). */
  drainTimeoutMs?: number;
}

export interface RunningServer {
  host: string;
  port: number;
  /**
   * Stops accepting, ends watches, waits for in-flight requests (at most drainTimeoutMs), then
   * closes connections.
   */
  close(): Promise<void>;
}

export async function startHttpsServer(options: HttpsServerOptions): Promise<RunningServer> {
  // HTTP/2 and HTTP/1.1 on one port (browsers multiplex; upgrades stay HTTP/1.1), gzip of large responses.
  const listener = createApiListener({
    tls: options.tls,
    onRequest: (req, res) => void options.handler.serve(req, res),
    onUpgrade: (req, res) => void options.handler.serve(req, res),
  });
  const { server } = listener;
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
        listener.beginClose();
        options.handler.closeWatches();
        // A request that cannot finish (a client that stopped reading a large LIST) must not
        // keep the server from exiting: at the deadline every connection is cut.
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.drainTimeoutMs ?? 10_000);
        });
        await Promise.race([Promise.all([options.handler.drained(), listener.responsesSent()]), deadline]);
        // Connections answered with "Connection: close" (and HTTP/2 sessions after GOAWAY) end by
        // themselves; keep-alive ones answered before, or whose watch just ended, are idle now or
        // soon: close them as they become so. Cutting them all now could truncate a response
        // whose last bytes are still queued.
        listener.closeIdleConnections();
        const sweep = setInterval(() => listener.closeIdleConnections(), 50);
        await Promise.race([closed, deadline]);
        clearInterval(sweep);
        clearTimeout(timer);
        listener.closeConnections();
        await closed;
      })();
      return closing;
    },
  };
}
