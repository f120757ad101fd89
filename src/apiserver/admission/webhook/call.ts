// Sends one AdmissionReview to a webhook over HTTPS: `clientConfig.url`, or a Service resolved
// to a ready endpoint through its EndpointSlices (TLS name <service>.<namespace>.svc), verified
// with the caBundle, bounded by timeoutSeconds, presenting the configured client credentials.
import { request } from "node:https";
import type { WebhookClientConfig } from "kubernetes-types/admissionregistration/v1.js";
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { services } from "../../../api/core/service.ts";
import { endpointslices } from "../../../api/discovery/endpointslice.ts";
import type { ResourceDef } from "../../../api/resource.ts";
import type { ObjectSource } from "../../rest/source.ts";
import type { ClientCredentials } from "./credentials.ts";

const serviceDef = services as unknown as ResourceDef;
const sliceDef = endpointslices as unknown as ResourceDef;

export interface WebhookTarget {
  /** What error messages show: the URL as upstream prints it. */
  url: URL;
  /** Where to connect, when it differs from the URL's host (a Service's endpoint). */
  connectHost?: string;
  connectPort?: number;
  /** What credentials are looked up by: the URL's host[:port], or `<service>.<namespace>.svc:<port>`. */
  credentialsName: string;
}

/** The error text upstream wraps as `failed calling webhook "x": ...`. */
export class WebhookCallError extends Error {
  override name = "WebhookCallError";
}

export async function resolveTarget(
  cc: WebhookClientConfig | undefined,
  source: ObjectSource,
  timeoutSeconds: number,
): Promise<WebhookTarget> {
  if (cc?.url) {
    const url = new URL(cc.url);
    url.searchParams.set("timeout", `${timeoutSeconds}s`);
    return { url, credentialsName: url.host };
  }
  const svc = cc?.service;
  if (!svc) throw new WebhookCallError("failed to call webhook: no url or service in clientConfig");
  const port = svc.port ?? 443;
  const url = new URL(`https://${svc.name}.${svc.namespace}.svc:${port}${svc.path ?? "/"}`);
  url.searchParams.set("timeout", `${timeoutSeconds}s`);
  const service = (await source.list(serviceDef, { namespace: svc.namespace })).items.find(
    (s) => s.metadata?.name === svc.name,
  ) as Service | undefined;
  if (!service) throw new WebhookCallError(`failed to call webhook: service "${svc.name}" not found`);
  const servicePort = (service.spec?.ports ?? []).find((p) => p.port === port);
  if (!servicePort)
    throw new WebhookCallError(
      `failed to call webhook: service ${svc.namespace}/${svc.name} has no port ${port}`,
    );
  const slices = (await source.list(sliceDef, { namespace: svc.namespace })).items.filter(
    (s) => s.metadata?.labels?.["kubernetes.io/service-name"] === svc.name,
  ) as unknown as EndpointSlice[];
  for (const slice of slices) {
    const p = (slice.ports ?? []).find((x) => (x.name ?? "") === (servicePort.name ?? ""));
    const ep = (slice.endpoints ?? []).find((e) => e.conditions?.ready !== false && e.addresses.length > 0);
    if (p?.port !== undefined && ep)
      return {
        url,
        connectHost: ep.addresses[0],
        connectPort: p.port,
        credentialsName: `${svc.name}.${svc.namespace}.svc:${port}`,
      };
  }
  throw new WebhookCallError(`failed to call webhook: no endpoints available for service "${svc.name}"`);
}

export interface CallOptions {
  target: WebhookTarget;
  caBundle: string | undefined;
  timeoutSeconds: number;
  body: string;
  credentials?: ClientCredentials | undefined;
}

/** POSTs the review; resolves with the response body, rejects with upstream-like messages. */
export function postReview(o: CallOptions): Promise<string> {
  const { url } = o.target;
  const shown = `Post "${url.toString()}"`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: o.target.connectHost ?? url.hostname.replace(/^\[|\]$/g, ""),
        port: o.target.connectPort ?? (url.port === "" ? 443 : Number(url.port)),
        servername: url.hostname.startsWith("[") || /^[0-9.]+$/.test(url.hostname) ? undefined : url.hostname,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "Content-Length": Buffer.byteLength(o.body),
          ...(o.credentials?.token ? { Authorization: `Bearer ${o.credentials.token}` } : {}),
        },
        ...(o.credentials?.cert && o.credentials.key
          ? { cert: o.credentials.cert, key: o.credentials.key }
          : {}),
        ...(o.caBundle ? { ca: Buffer.from(o.caBundle, "base64").toString("utf8") } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
            reject(
              new WebhookCallError(
                `failed to call webhook: the server responded with the status code ${res.statusCode}`,
              ),
            );
          } else resolve(text);
        });
        res.on("error", (err) =>
          reject(new WebhookCallError(`failed to call webhook: ${shown}: ${err.message}`)),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error("context deadline exceeded"));
    }, o.timeoutSeconds * 1000);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(new WebhookCallError(`failed to call webhook: ${shown}: ${err.message}`));
    });
    req.end(o.body);
  });
}
