// The HTTPS listener: TLS with optional client certificates verified against the cluster CA,
// each request handed to the ApiHandler; graceful close (stop accepting, end watches, drain).
import type { ServerResponse } from "node:http";
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
  let closing: Promise<void> | undefined;
  // Responses not yet sent in full: close() marks those without headers "Connection: close" and
  // waits for all to go out ('close' comes once the last bytes are handed to the socket).
  const responses = new Set<ServerResponse>();
  const flushed: (() => void)[] = [];
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
      // While closing, a keep-alive connection gets its answer and is then closed: clients that
      // keep sending on open connections would otherwise keep the drain from ever ending.
      if (closing) res.setHeader("Connection", "close");
      responses.add(res);
      res.once("close", () => {
        responses.delete(res);
        if (responses.size === 0) for (const f of flushed.splice(0)) f();
      });
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
  return {
    host: options.host,
    port: address.port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const res of responses) if (!res.headersSent) res.setHeader("Connection", "close");
        options.handler.closeWatches();
        // A request that cannot finish (a client that stopped reading a large LIST) must not
        // keep the server from exiting: at the deadline every connection is cut.
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.drainTimeoutMs ?? 10_000);
        });
        const sent = new Promise<void>((resolve) => {
          if (responses.size === 0) resolve();
          else flushed.push(resolve);
        });
        await Promise.race([Promise.all([options.handler.drained(), sent]), deadline]);
        // Connections answered with "Connection: close" end by themselves; keep-alive ones
        // answered before (or whose watch just ended) are idle now or soon: close them as they
        // become so. (closeAllConnections now could cut a response whose bytes are queued.)
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        await Promise.race([closed, deadline]);
        clearInterval(sweep);
        clearTimeout(timer);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
