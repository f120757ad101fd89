// The ingress data plane: HTTP and HTTPS listeners that route each request through the current
// routing table. A new table is swapped in atomically (one reference); existing client
// connections stay open and their next request uses the new table.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { AgentPool } from "./agents.ts";
import type { Target } from "./backends.ts";
import { Balancer, targetKey } from "./balancer.ts";
import { type PemPair, SecureContextCache } from "./certs.ts";
import { type ForwardContext, forwardRequest, forwardUpgrade, replyError } from "./forward.ts";
import { requestHost, requestPath } from "./match.ts";
import { certificateFor, emptyTable, type RoutingTable, route } from "./table.ts";

export interface IngressLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DataPlaneOptions {
  /** Served when no Ingress certificate matches the SNI name. */
  defaultCertificate: PemPair;
  /** Listen address (default "0.0.0.0"). */
  host?: string;
  logger?: IngressLogger;
  /** How long an endpoint that refused a connection is skipped (default 5 s). */
  cooldownMs?: number;
}

export interface Listening {
  /** Bound port, or undefined when the listener could not start. */
  port: number | undefined;
  /** Why not, in one line. */
  problem?: string;
}

export class IngressDataPlane {
  private current: RoutingTable = emptyTable;
  private readonly balancer: Balancer;
  private readonly agents = new AgentPool();
  private readonly contexts = new SecureContextCache();
  private readonly servers: Server[] = [];
  private readonly upgraded = new Set<Duplex>();

  constructor(private readonly options: DataPlaneOptions) {
    this.balancer = new Balancer(options.cooldownMs !== undefined ? { cooldownMs: options.cooldownMs } : {});
  }

  get table(): RoutingTable {
    return this.current;
  }

  /** Swaps in a new table and forgets state of endpoints, backends and certificates it dropped. */
  setTable(table: RoutingTable): void {
    this.current = table;
    const ids = new Set<string>();
    const targets = new Set<string>();
    const add = (b: RoutingTable["defaultBackend"]): void => {
      if (b?.kind !== "service") return;
      ids.add(b.id);
      for (const t of b.targets) targets.add(targetKey(t));
    };
    add(table.defaultBackend);
    for (const r of table.anyHost) add(r.backend);
    for (const m of [table.exact, table.wildcard])
      for (const rs of m.values()) for (const r of rs) add(r.backend);
    this.balancer.retain(ids, targets);
    this.agents.retain(targets);
    this.contexts.retain(new Set([...table.tls.values()].map((c) => c.source)));
  }

  private context(proto: "http" | "https"): ForwardContext {
    return {
      balancer: this.balancer,
      agents: this.agents,
      proto,
      onBackendError: (t: Target, err: Error) =>
        this.options.logger?.info({ endpoint: targetKey(t), err: err.message }, "ingress backend failed"),
    };
  }

  private handler(proto: "http" | "https") {
    const ctx = this.context(proto);
    return (req: IncomingMessage, res: ServerResponse): void => {
      const backend = route(this.current, requestHost(req.headers.host), requestPath(req.url));
      if (!backend) replyError(res, 404, "404 Not Found");
      else if (backend.kind === "error")
        replyError(res, backend.status, `${backend.status} ${backend.reason}`);
      else forwardRequest(ctx, req, res, backend);
    };
  }

  private upgradeHandler(proto: "http" | "https") {
    const ctx = this.context(proto);
    return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      this.track(socket);
      const backend = route(this.current, requestHost(req.headers.host), requestPath(req.url));
      if (backend?.kind !== "service") {
        const status = backend ? `${backend.status} Service Unavailable` : "404 Not Found";
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      forwardUpgrade(ctx, req, socket, head, backend, (s) => this.track(s));
    };
  }

  private track(s: Duplex): void {
    this.upgraded.add(s);
    s.once("close", () => this.upgraded.delete(s));
  }

  private async listenOn(server: Server, port: number, what: string): Promise<Listening> {
    const host = this.options.host ?? "0.0.0.0";
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? String(err);
      const why = code === "EADDRINUSE" ? "address in use" : code === "EACCES" ? "permission denied" : code;
      return { port: undefined, problem: `ingress ${what} cannot listen on ${host}:${port}: ${why}` };
    }
    this.servers.push(server);
    const address = server.address();
    return { port: typeof address === "object" && address ? address.port : port };
  }

  /** Starts the listeners; one that cannot bind is reported, not fatal. */
  async listen(ports: { http?: number; https?: number }): Promise<{ http: Listening; https: Listening }> {
    const http = createHttpServer(this.handler("http"));
    http.on("upgrade", this.upgradeHandler("http"));
    const https = createHttpsServer(
      {
        cert: this.options.defaultCertificate.cert,
        key: this.options.defaultCertificate.key,
        SNICallback: (name, done) => {
          const cert = certificateFor(this.current, name);
          const ctx = cert ? this.contexts.get(cert) : undefined;
          if (ctx instanceof Error) {
            this.options.logger?.warn(
              { serverName: name, err: ctx.message },
              "ingress TLS certificate unusable",
            );
            done(null, undefined);
          } else done(null, ctx);
        },
      },
      this.handler("https"),
    );
    https.on("upgrade", this.upgradeHandler("https"));
    for (const s of [http, https]) s.on("clientError", (_err, socket: Socket) => socket.destroy());
    const none: Listening = { port: undefined, problem: "disabled" };
    return {
      http: ports.http === undefined ? none : await this.listenOn(http, ports.http, "HTTP"),
      https: ports.https === undefined ? none : await this.listenOn(https, ports.https, "HTTPS"),
    };
  }

  async close(): Promise<void> {
    // A server's close waits for every connection it accepted, upgraded ones included, and
    // closeAllConnections does not reach those: they are destroyed before the wait.
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of this.servers) s.closeAllConnections();
    for (const s of this.upgraded) s.destroy();
    this.upgraded.clear();
    this.agents.close();
    await Promise.all(closed);
  }
}
