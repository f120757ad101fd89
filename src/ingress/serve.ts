// Runs the ingress (controller + data plane) for `skiff server` or `skiff agent --ingress`: an
// agent announces itself on its Node (so Ingress status lists it) and withdraws on stop. A port
// that cannot be bound is reported in one line; the process keeps running without it. An agent
// serves certificates from Ingress spec.tls Secrets only when its node identity may list them.
import type { Node, Secret } from "kubernetes-types/core/v1.js";
import { ForbiddenError } from "../api/errors.ts";
import type { RestClient } from "../client/rest.ts";
import { ingressServingAnnotation } from "./addresses.ts";
import { selfSignedCertificate } from "./certs.ts";
import { startIngressController } from "./controller.ts";
import { IngressDataPlane, type IngressLogger } from "./dataplane.ts";

export interface ServeIngressOptions {
  client: RestClient;
  /** Host ports (0: any free one). */
  httpPort: number;
  httpsPort: number;
  logger: IngressLogger;
  /** One line for the user. */
  say: (line: string) => void;
  /**
   * See IngressControllerOptions.tlsSecrets; "if-allowed" (an agent's node identity) asks the API
   * once at start whether TLS Secrets may be listed and says in one line how to grant it if not.
   */
  tlsSecrets?: boolean | "if-allowed";
  /** The Node this ingress runs on, annotated as serving while it runs. */
  nodeName?: string;
}

export interface ServingIngress {
  httpPort: number | undefined;
  httpsPort: number | undefined;
  stop(): Promise<void>;
}

const nodes = { group: "", version: "v1", resource: "nodes", namespaced: false, kind: "Node" } as const;
const secrets = { group: "", version: "v1", resource: "secrets", namespaced: true, kind: "Secret" } as const;

/** The ClusterRole `skiff agent --ingress` tells the admin to create and bind to the node. */
export const ingressTlsRole = "skiff:ingress-tls";

/** Whether this identity may list TLS Secrets cluster-wide (what the controller's informer does). */
async function mayListTlsSecrets(o: ServeIngressOptions): Promise<boolean> {
  const user = o.nodeName ? `system:node:${o.nodeName}` : "<this node's user>";
  for (let attempt = 1; ; attempt++) {
    try {
      await o.client.resource<Secret>(secrets).list({ fieldSelector: "type=kubernetes.io/tls", limit: 1 });
      return true;
    } catch (err) {
      if (err instanceof ForbiddenError) {
        o.say(
          `ingress HTTPS serves a self-signed certificate only: ${user} may not list TLS Secrets (grant it with: kubectl create clusterrole ${ingressTlsRole} --verb=get,list,watch --resource=secrets; kubectl create clusterrolebinding ${ingressTlsRole}:${o.nodeName ?? "node"} --clusterrole=${ingressTlsRole} --user=${user}; then restart the agent)`,
        );
        return false;
      }
      // Anything else (the server briefly unreachable) is retried; the informer would wait forever
      // on a list it may not do, so after a few tries TLS Secrets are left out.
      if (attempt >= 5) {
        o.say(
          `ingress HTTPS serves a self-signed certificate only: TLS Secrets could not be checked (${String(err)})`,
        );
        return false;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function announce(o: ServeIngressOptions, value: string | null): Promise<void> {
  if (!o.nodeName) return;
  try {
    await o.client
      .resource<Node>(nodes)
      .patch(
        o.nodeName,
        { metadata: { annotations: { [ingressServingAnnotation]: value } } },
        { type: "merge" },
      );
  } catch (err) {
    o.logger.warn({ err }, "ingress: the Node's serving annotation was not written");
  }
}

export async function serveIngress(o: ServeIngressOptions): Promise<ServingIngress> {
  const dataPlane = new IngressDataPlane({
    defaultCertificate: await selfSignedCertificate(),
    logger: o.logger,
  });
  const tlsSecrets = o.tlsSecrets === "if-allowed" ? await mayListTlsSecrets(o) : o.tlsSecrets !== false;
  const controller = startIngressController({
    client: o.client,
    apply: (t) => dataPlane.setTable(t),
    logger: o.logger,
    tlsSecrets,
  });
  const { http, https } = await dataPlane.listen({ http: o.httpPort, https: o.httpsPort });
  const flags = { HTTP: "--ingress-http-port", HTTPS: "--ingress-https-port" };
  for (const [what, l] of [
    ["HTTP", http],
    ["HTTPS", https],
  ] as const) {
    if (l.problem) o.say(`${l.problem}; running on without it (choose another port with ${flags[what]})`);
  }
  if (http.port !== undefined || https.port !== undefined)
    await announce(o, `http=${http.port ?? ""},https=${https.port ?? ""}`);
  return {
    httpPort: http.port,
    httpsPort: https.port,
    async stop() {
      await announce(o, null);
      await dataPlane.close();
      await controller.stop();
    },
  };
}
