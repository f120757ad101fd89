// Fetches one kubelet's /metrics/resource with the API server's kubelet-client certificate. A
// node's kubelet is found as for logs and exec (InternalIP, daemonEndpoints port); hollow nodes
// (`skiff sim`) share one loopback listener per sim process, named by a node label, and are told
// apart by the path.
import { Agent, request } from "node:https";
import type { Node } from "kubernetes-types/core/v1.js";

/** Set by `skiff sim` on its nodes (kubelet/hollow/stats-server.ts): the port of its shared listener. */
export const hollowStatsPortLabel = "sim.skiff.dev/stats-port";

export interface KubeletTarget {
  host: string;
  port: number;
  path: string;
}

const defaultKubeletPort = 10250;

/**
 * The sim listener serving a hollow node, whose root /metrics/resource holds every node of that sim
 * (samples labelled `node`): one request per sim process and round instead of one per node.
 */
export function hollowBatchTarget(node: Node): KubeletTarget | undefined {
  const port = Number(node.metadata?.labels?.[hollowStatsPortLabel] ?? "");
  return Number.isInteger(port) && port > 0
    ? { host: "127.0.0.1", port, path: "/metrics/resource" }
    : undefined;
}

/** Where a node's resource metrics are served, or undefined when it has no address. */
export function resourceMetricsTarget(node: Node): KubeletTarget | undefined {
  const name = node.metadata?.name ?? "";
  const hollow = hollowBatchTarget(node);
  if (hollow) {
    return { ...hollow, path: `/nodes/${encodeURIComponent(name)}/metrics/resource` };
  }
  const addresses = node.status?.addresses ?? [];
  const host =
    addresses.find((a) => a.type === "InternalIP")?.address ??
    addresses.find((a) => a.type === "ExternalIP")?.address ??
    addresses.find((a) => a.type === "Hostname")?.address;
  if (!host) return undefined;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || defaultKubeletPort;
  return { host, port, path: "/metrics/resource" };
}

export interface KubeletScraperOptions {
  /** The API server's kubelet-client certificate and key (PEM). */
  cert: string;
  key: string;
  /** Per scrape (default 10 s). */
  timeoutMs?: number;
  /** Connections kept per kubelet (default 8; all hollow nodes of a sim share one listener). */
  maxSockets?: number;
}

export class KubeletScraper {
  private readonly agent: Agent;

  constructor(private readonly options: KubeletScraperOptions) {
    this.agent = new Agent({
      keepAlive: true,
      cert: options.cert,
      key: options.key,
      // Kubelets serve self-signed certificates; Kubernetes does not verify them by default either.
      rejectUnauthorized: false,
      maxSockets: options.maxSockets ?? 8,
    });
  }

  /** The body of a 200 answer; rejects on any other status, a network error or the timeout. */
  fetch(target: KubeletTarget): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const req = request(
        { host: target.host, port: target.port, path: target.path, method: "GET", agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode === 200) resolve(body);
            else
              reject(
                new Error(
                  `kubelet ${target.host}:${target.port} answered ${res.statusCode}: ${body.slice(0, 200)}`,
                ),
              );
          });
        },
      );
      req.setTimeout(this.options.timeoutMs ?? 10_000, () => req.destroy(new Error("timed out")));
      req.on("error", reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
