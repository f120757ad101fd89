// The built-in ingress controller inside `skiff server`: seeds the default IngressClass `skiff`,
// watches the cluster through the in-process transport and serves HTTP and HTTPS on host ports.
// A port that cannot be bound is reported in one line; the cluster keeps running without it.
import type { Logger } from "pino";
import type { ApiHandler } from "../apiserver/handler.ts";
import { ingressClassSeed, seed } from "../apiserver/seed.ts";
import { RestClient } from "../client/rest.ts";
import { selfSignedCertificate } from "../ingress/certs.ts";
import { startIngressController } from "../ingress/controller.ts";
import { IngressDataPlane } from "../ingress/dataplane.ts";
import { InProcessTransport } from "./inprocess-transport.ts";

export interface IngressOptions {
  handler: ApiHandler;
  /** Host ports (0: any free one). */
  httpPort: number;
  httpsPort: number;
  logger: Logger;
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

export async function startIngress(o: IngressOptions): Promise<RunningIngress> {
  for (const problem of await seed(o.handler, ingressClassSeed())) {
    o.logger.error({ problem }, "IngressClass not created");
  }
  const client = new RestClient({
    transport: new InProcessTransport({ handler: o.handler, user: ingressUser }),
  });
  const logger = o.logger.child({ component: "ingress" });
  const dataPlane = new IngressDataPlane({ defaultCertificate: await selfSignedCertificate(), logger });
  const controller = startIngressController({ client, apply: (t) => dataPlane.setTable(t), logger });
  const { http, https } = await dataPlane.listen({ http: o.httpPort, https: o.httpsPort });
  const flags = { HTTP: "--ingress-http-port", HTTPS: "--ingress-https-port" };
  for (const [what, l] of [
    ["HTTP", http],
    ["HTTPS", https],
  ] as const) {
    if (l.problem)
      o.say(`${l.problem}; the cluster runs on without it (choose another port with ${flags[what]})`);
  }
  return {
    httpPort: http.port,
    httpsPort: https.port,
    async stop() {
      await dataPlane.close();
      await controller.stop();
      client.close();
    },
  };
}
