// `skiff sim`: registers hollow nodes (fake runtime) against a cluster and keeps them alive until
// SIGTERM/SIGINT; heartbeats stop then, and `--cleanup` also deletes the Nodes and their Leases.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Http2Transport } from "../client/http2-transport.ts";
import { HttpsTransport } from "../client/https-transport.ts";
import { type ClusterConnection, loadKubeconfig } from "../client/kubeconfig.ts";
import { RestClient } from "../client/rest.ts";
import { HollowNodeManager } from "../kubelet/hollow/manager.ts";
import { parseLabels, parseTaints } from "../kubelet/node/node-object.ts";
import { UsageError } from "./usage.ts";

export interface SimFlags {
  server?: string;
  kubeconfig?: string;
  token?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  nodes: string;
  prefix: string;
  firstIndex: string;
  podsPerNode: string;
  cpu: string;
  memory: string;
  ephemeralStorage: string;
  labels?: string;
  taints?: string;
  clusterCidr: string;
  readyDelay: string;
  leaseRenew: string;
  concurrency: string;
  /**
   * "https" (HTTP/1.1, default) or "http2" (every node's requests and the pod watch share one TLS
   * session; ~2.3× less sim CPU per pod on a loaded box). Opt-in until a quiet 5,000-node run has
   * shown it holds there as HTTP/1.1 does.
   */
  transport?: string;
  cleanup?: boolean;
  /** commander's --no-stats. */
  stats?: boolean;
  statsPort?: string;
  usageFraction?: string;
}

function integer(text: string, flag: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  return n;
}

/** `500ms`, `2s`, `1m` or a plain number of seconds. */
export function parseDurationMs(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m?.[1]) throw new UsageError(`${flag} must be a duration like 500ms, 2s or 1m, got "${text}"`);
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
}

function connection(flags: SimFlags): ClusterConnection {
  const file =
    flags.kubeconfig ?? process.env.KUBECONFIG?.split(":")[0] ?? join(homedir(), ".kube", "config");
  const fromFile = flags.kubeconfig || existsSync(file) ? loadKubeconfig(file) : undefined;
  if (!fromFile && !flags.server)
    throw new UsageError(`no kubeconfig at ${file}; give --kubeconfig or --server`);
  const base: ClusterConnection = fromFile ?? { server: flags.server ?? "", namespace: "default" };
  return {
    ...base,
    ...(flags.server ? { server: flags.server.replace(/\/+$/, "") } : {}),
    ...(flags.token ? { token: flags.token } : {}),
    ...(flags.certificateAuthority ? { ca: readFileSync(flags.certificateAuthority, "utf8") } : {}),
    ...(flags.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
  };
}

export async function runSim(flags: SimFlags): Promise<void> {
  const count = integer(flags.nodes, "--nodes", 1);
  const concurrency = integer(flags.concurrency, "--concurrency", 1);
  let labels: Record<string, string>;
  let taints: ReturnType<typeof parseTaints>;
  try {
    labels = parseLabels(flags.labels ?? "");
    taints = parseTaints(flags.taints ?? "");
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const logger = pino({ level: process.env.SKIFF_LOG_LEVEL ?? "warn" }, pino.destination(2));
  const conn = connection(flags);
  const usageFraction = Number(flags.usageFraction ?? "0.5");
  if (!Number.isFinite(usageFraction) || usageFraction < 0)
    throw new UsageError(`--usage-fraction must be a number ≥ 0, got "${flags.usageFraction}"`);
  const wire = flags.transport ?? "https";
  if (wire !== "http2" && wire !== "https")
    throw new UsageError(`--transport must be http2 or https, got "${wire}"`);
  const transport =
    wire === "http2"
      ? new Http2Transport({ connection: conn, userAgent: "skiff-sim" })
      : new HttpsTransport({
          connection: conn,
          maxSockets: Math.max(16, concurrency),
          userAgent: "skiff-sim",
        });
  const client = new RestClient({ transport });
  const manager = new HollowNodeManager({
    client,
    count,
    namePrefix: flags.prefix,
    firstIndex: integer(flags.firstIndex, "--first-index", 0),
    resources: {
      cpu: flags.cpu,
      memory: flags.memory,
      pods: String(integer(flags.podsPerNode, "--pods-per-node", 1)),
      ephemeralStorage: flags.ephemeralStorage,
    },
    labels,
    taints,
    clusterCidr: flags.clusterCidr,
    readyDelayMs: parseDurationMs(flags.readyDelay, "--ready-delay"),
    leaseRenewMs: Math.max(1000, parseDurationMs(flags.leaseRenew, "--lease-renew")),
    concurrency,
    onError: (err, what) => logger.warn({ err }, `hollow nodes: ${what} failed`),
    ...(flags.stats !== false
      ? {
          stats: {
            port: integer(flags.statsPort ?? "0", "--stats-port", 0),
            requestFraction: usageFraction,
            // The API server's kubelet-client certificate is signed by the cluster CA.
            ...(conn.ca ? { clientCa: conn.ca } : {}),
          },
        }
      : {}),
  });
  const began = performance.now();
  try {
    await manager.start();
  } catch (err) {
    await manager.stop();
    client.close();
    throw err;
  }
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  process.stdout.write(`skiff sim ready: ${count} hollow nodes registered in ${seconds}s\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      void manager
        .stop({ cleanup: flags.cleanup === true })
        .catch((err: unknown) => logger.error({ err }, "hollow nodes: shutdown failed"))
        .finally(() => {
          client.close();
          done();
        });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
