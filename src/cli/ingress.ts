// The built-in ingress controller inside `skiff server`: seeds the default IngressClass `skiff`,
// watches the cluster through the in-process transport and serves HTTP and HTTPS on host ports.
// A port that cannot be bound is reported in one line; the cluster keeps running without it.
import { networkInterfaces } from "node:os";
import type { Logger } from "pino";
import type { ApiHandler } from "../apiserver/handler.ts";
import { ingressClassSeed, seed } from "../apiserver/seed.ts";
import { RestClient } from "../client/rest.ts";
import { serveIngress } from "../ingress/serve.ts";
import { RouteManager } from "../kubelet/network/routes.ts";
import { InProcessTransport } from "./inprocess-transport.ts";

export interface IngressOptions {
  handler: ApiHandler;
  /** Host ports (0: any free one). */
  httpPort: number;
  httpsPort: number;
  logger: Logger;
  /**
   * Route to the nodes' pod CIDRs from this host (a server without its own node agent), with route
   * protocol 206 so a node agent on the same host (protocol 205) keeps its own routes.
   */
  podRoutes?: boolean;
  /** Prints one line for the user (a port that could not be bound). */
  say: (line: string) => void;
}

export interface RunningIngress {
  httpPort: number | undefined;
  httpsPort: number | undefined;
  stop(): Promise<void>;
}

// Like the cluster DNS, the in-process ingress reads with the server's own authority: it needs
// cluster-wide reads of Services, EndpointSlices, TLS Secrets and Nodes and Ingress status writes.
const ingressUser = { name: "system:skiff-ingress", groups: ["system:masters", "system:authenticated"] };

function podRoutes(client: RestClient, logger: Logger): RouteManager {
  const localIPs = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a?.family === "IPv4")
    .map((a) => a?.address ?? "");
  return new RouteManager({
    client,
    nodeName: "",
    localIPs,
    protocol: 206,
    forwarding: false,
    onError: (err) => logger.warn({ err }, "ingress: routes to pod CIDRs not programmed; retrying"),
  });
}

export async function startIngress(o: IngressOptions): Promise<RunningIngress> {
  for (const problem of await seed(o.handler, ingressClassSeed())) {
    o.logger.error({ problem }, "IngressClass not created");
  }
  const client = new RestClient({
    transport: new InProcessTransport({ handler: o.handler, user: ingressUser }),
  });
  const ingress = await serveIngress({
    client,
    httpPort: o.httpPort,
    httpsPort: o.httpsPort,
    logger: o.logger.child({ component: "ingress" }),
    say: o.say,
  });
  const routes = o.podRoutes && process.getuid?.() === 0 ? podRoutes(client, o.logger) : undefined;
  await routes?.start();
  return {
    httpPort: ingress.httpPort,
    httpsPort: ingress.httpsPort,
    async stop() {
      await ingress.stop();
      await routes?.stop();
      client.close();
    },
  };
}
