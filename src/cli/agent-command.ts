// `skiff agent`: the command line of a node agent joining a cluster (server URL + token, or a
// kubeconfig; a bootstrap token joins through a CSR), its flags and its run loop.
import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import pino from "pino";
import { HttpsTransport } from "../client/https-transport.ts";
import { type ClusterConnection, loadKubeconfig } from "../client/kubeconfig.ts";
import { RestClient } from "../client/rest.ts";
import { hasNodeKubeconfig } from "../kubelet/bootstrap/kubeconfig.ts";
import { JoinTrustError } from "../kubelet/bootstrap/trust.ts";
import {
  type EvictionThreshold,
  EvictionThresholdError,
  parseEvictionThresholds,
} from "../kubelet/eviction/thresholds.ts";
import {
  type LogRotationPolicy,
  LogRotationPolicyError,
  parseLogRotationPolicy,
} from "../kubelet/logs/rotation.ts";
import type { RuntimeChoice } from "../kubelet/runtime/open.ts";
import { clusterDnsFor, type RunningAgent, startAgent } from "./agent.ts";
import {
  buildImagesFlag,
  buildImagesInChild,
  importBuiltImages,
  importImagesFlag,
  importImagesInChild,
  printBuiltImages,
} from "./agent-images.ts";
import { UsageError } from "./usage.ts";
export interface AgentFlags {
  server?: string;
  token?: string;
  kubeconfig?: string;
  certificateAuthority?: string;
  name?: string;
  dataDir: string;
  runtime: RuntimeChoice;
  containerRuntimeEndpoint?: string;
  podCidr?: string;
  serviceCidr: string;
  clusterDns?: string;
  clusterDomain: string;
  nodeIp?: string;
  podManifestPath?: string;
  bridge?: string;
  cgroupRoot?: string;
  kubeletPort?: string;
  /** commander's --no-proxy. */
  proxy?: boolean;
  clusterCidr?: string;
  imageGcHighThreshold?: string;
  imageGcLowThreshold?: string;
  evictionHard?: string;
  containerLogMaxSize?: string;
  containerLogMaxFiles?: string;
  /** --ca-cert-hash (repeatable): pins of the cluster CA when joining with a bootstrap token. */
  caCertHash?: string[];
  /** --network-backend: host-gw routes to other nodes' pod CIDRs, a vxlan overlay, or none. */
  networkBackend?: "host-gw" | "vxlan" | "none";
  /** --ingress: serve the cluster's Ingresses on this node too (like k3s's per-node traefik). */
  ingress?: boolean;
  ingressHttpPort?: string;
  ingressHttpsPort?: string;
}

const bootstrapTokenPattern = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

function connection(flags: AgentFlags): ClusterConnection {
  if (flags.kubeconfig) {
    const c = loadKubeconfig(flags.kubeconfig);
    return {
      ...c,
      ...(flags.server ? { server: flags.server.replace(/\/+$/, "") } : {}),
      ...(flags.token ? { token: flags.token } : {}),
    };
  }
  if (!flags.server || !flags.token)
    throw new UsageError("give --server URL and --token TOKEN, or --kubeconfig FILE");
  return {
    server: flags.server.replace(/\/+$/, ""),
    namespace: "default",
    token: flags.token,
    ...(flags.certificateAuthority
      ? { ca: readFileSync(flags.certificateAuthority, "utf8") }
      : { insecureSkipTlsVerify: true }),
  };
}

function evictionThresholds(text: string): EvictionThreshold[] {
  try {
    return parseEvictionThresholds(text);
  } catch (err) {
    if (err instanceof EvictionThresholdError) throw new UsageError(`--eviction-hard: ${err.message}`);
    throw err;
  }
}

function percent(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 100)
    throw new UsageError(`${flag} must be a whole percentage 0-100, got ${JSON.stringify(text)}`);
  return n;
}

function logRotation(flags: AgentFlags): LogRotationPolicy {
  try {
    return parseLogRotationPolicy(flags.containerLogMaxSize ?? "10Mi", flags.containerLogMaxFiles ?? "5");
  } catch (err) {
    if (err instanceof LogRotationPolicyError) throw new UsageError(err.message);
    throw err;
  }
}

/** Joining with a bootstrap token (or restarting after a join): the node's own credentials. */
function joining(flags: AgentFlags, dataDir: string): boolean {
  if (flags.kubeconfig) return false;
  if (flags.token) return bootstrapTokenPattern.test(flags.token);
  return hasNodeKubeconfig(dataDir);
}

export async function runAgent(flags: AgentFlags): Promise<void> {
  const logger = pino({ level: process.env.SKIFF_LOG_LEVEL ?? "warn" }, pino.destination(2));
  const nodeName = (flags.name ?? hostname()).toLowerCase();
  const say = (line: string) => process.stdout.write(`skiff agent: ${line}\n`);
  const dataDir = resolve(flags.dataDir);
  const joined = joining(flags, dataDir);
  let conn: ClusterConnection;
  if (joined) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Joining code (CSR, @peculiar/x509) and the ingress load only when used: the agent's RSS.
    const { ensureNodeCredentials } = await import("../kubelet/bootstrap/join.ts");
    const { CertificateRequestError } = await import("../kubelet/bootstrap/csr.ts");
    try {
      conn = await ensureNodeCredentials({
        dataDir,
        nodeName,
        ...(flags.server ? { server: flags.server } : {}),
        ...(flags.token ? { token: flags.token } : {}),
        ...(flags.caCertHash ? { caCertHashes: flags.caCertHash } : {}),
        say,
      });
    } catch (err) {
      if (err instanceof JoinTrustError || err instanceof CertificateRequestError)
        throw new UsageError(`cannot join: ${err.message}`);
      throw err;
    }
  } else {
    conn = connection(flags);
    if (conn.insecureSkipTlsVerify && !flags.kubeconfig)
      process.stderr.write("warning: no --certificate-authority: the server's certificate is not verified\n");
  }
  const client = new RestClient({
    transport: new HttpsTransport({ connection: conn, maxSockets: 16, userAgent: "skiff-agent" }),
  });
  const backend = flags.networkBackend ?? (joined ? "host-gw" : "none");
  let agent: RunningAgent;
  try {
    agent = await startAgent({
      client,
      nodeName,
      dataDir,
      runtime: flags.runtime,
      buildImages: buildImagesInChild,
      importImages: importImagesInChild,
      ...(flags.containerRuntimeEndpoint ? { endpoint: flags.containerRuntimeEndpoint } : {}),
      ...(flags.podCidr ? { podCidr: flags.podCidr } : {}),
      clusterDNS: flags.clusterDns ?? clusterDnsFor(flags.serviceCidr),
      clusterDomain: flags.clusterDomain,
      ...(flags.nodeIp ? { nodeIP: flags.nodeIp } : {}),
      ...(flags.podManifestPath ? { staticPodPath: resolve(flags.podManifestPath) } : {}),
      ...(flags.bridge ? { bridge: flags.bridge } : {}),
      ...(flags.cgroupRoot ? { cgroupRoot: flags.cgroupRoot } : {}),
      ...(flags.kubeletPort !== undefined ? { kubeletPort: Number(flags.kubeletPort) } : {}),
      ...(flags.evictionHard !== undefined ? { evictionHard: evictionThresholds(flags.evictionHard) } : {}),
      imageGc: {
        highThresholdPercent: percent("--image-gc-high-threshold", flags.imageGcHighThreshold ?? "85"),
        lowThresholdPercent: percent("--image-gc-low-threshold", flags.imageGcLowThreshold ?? "80"),
      },
      containerLogs: logRotation(flags),
      ...(conn.ca ? { clusterCa: conn.ca } : {}),
      proxy: flags.proxy === false ? false : { clusterCidr: flags.clusterCidr },
      ...(backend !== "none"
        ? {
            routes: {
              serviceCidr: flags.serviceCidr,
              ...(flags.clusterCidr ? { clusterCidr: flags.clusterCidr } : {}),
              backend,
            },
          }
        : {}),
      logger,
      say,
    });
  } catch (err) {
    client.close();
    throw err;
  }
  // An ingress that fails to start must not leave the agent's runtime (its containerd) behind.
  const ingress = flags.ingress
    ? await (await import("../ingress/serve.ts"))
        .serveIngress({
          client,
          nodeName,
          httpPort: Number(flags.ingressHttpPort ?? 80),
          httpsPort: Number(flags.ingressHttpsPort ?? 443),
          tlsSecrets: "if-allowed",
          logger: logger.child({ component: "ingress" }),
          say,
        })
        .catch(async (err: unknown) => {
          await agent.stop();
          client.close();
          throw err;
        })
    : undefined;
  process.stdout.write(`skiff agent ready: node ${nodeName} (${agent.runtimeVersion})\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      void Promise.resolve(ingress?.stop())
        .then(() => agent.stop())
        .catch((err: unknown) => logger.error({ err }, "agent shutdown failed"))
        .finally(() => {
          client.close();
          done();
        });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}

export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description("run a node agent (kubelet) that joins a cluster and runs its pods")
    .option("--server <url>", "API server URL")
    .option("--token <token>", "bootstrap token to join with (skiff token create), or a bearer token")
    .option(
      "--ca-cert-hash <sha256:hex>",
      "pin of the cluster CA's public key (repeatable; printed by skiff token create --print-join-command)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(
      new Option(
        "--network-backend <backend>",
        "pod traffic to other nodes: host-gw routes (one L2 segment) or a vxlan overlay (default host-gw when joining)",
      ).choices(["host-gw", "vxlan", "none"]),
    )
    .option(
      "--ingress",
      "serve the cluster's Ingresses on this node (HTTPS certificates from spec.tls Secrets if the node may read them)",
    )
    .option("--ingress-http-port <port>", "ingress HTTP port with --ingress", "80")
    .option("--ingress-https-port <port>", "ingress HTTPS port with --ingress", "443")
    .option("--kubeconfig <file>", "cluster and credentials instead of --server/--token")
    .option("--certificate-authority <file>", "CA bundle for the server certificate")
    .option("--name <node>", "node name (default: the hostname)")
    .option("--data-dir <dir>", "agent state, volumes and runtime data", "./.skiff-agent")
    .addOption(
      new Option("--runtime <runtime>", "container runtime")
        .choices(["auto", "runc", "containerd", "fake"])
        .default("auto"),
    )
    .option(
      "--container-runtime-endpoint <socket>",
      "use an existing CRI socket instead of Skiff's containerd",
    )
    .option("--pod-cidr <cidr>", "pod CIDR when the cluster assigns none")
    .option("--service-cidr <cidr>", "service CIDR (the cluster DNS is its 10th IP)", "10.43.0.0/16")
    .option("--cluster-dns <ip>", "cluster DNS server (default: 10th IP of --service-cidr)")
    .option("--cluster-domain <domain>", "cluster domain", "cluster.local")
    .option("--node-ip <ip>", "InternalIP of the node (default: first non-loopback IPv4)")
    .option(
      "--kubelet-port <port>",
      "port of the kubelet server (logs, exec, port-forward; 0: any free)",
      "10250",
    )
    .option("--no-proxy", "do not run the service proxy (nftables rules for Services) on this node")
    .option(
      "--cluster-cidr <cidr>",
      "pod network of the cluster: traffic from elsewhere to a Service is masqueraded",
      "10.42.0.0/16",
    )
    .option("--pod-manifest-path <dir>", "run static pods from the manifests in this directory")
    .option("--bridge <name>", "pod network bridge (default skiff0)")
    .option("--cgroup-root <path>", "cgroupfs root of pod cgroups (default /skiff/kubepods)")
    .option(
      "--eviction-hard <thresholds>",
      "hard eviction thresholds, e.g. memory.available<100Mi,nodefs.available<10% (default: the kubelet's)",
    )
    .option("--container-log-max-size <quantity>", "rotate a container's log file at this size", "10Mi")
    .option("--container-log-max-files <n>", "log files kept per container, the current one included", "5")
    .option(
      "--image-gc-high-threshold <percent>",
      "image disk usage that starts image garbage collection",
      "85",
    )
    .option(
      "--image-gc-low-threshold <percent>",
      "image disk usage image garbage collection frees down to",
      "80",
    )
    .addOption(new Option(`${buildImagesFlag} <dir>`).hideHelp())
    .addOption(new Option(`${importImagesFlag} <dataDir>`).hideHelp())
    .action(async (opts) => {
      if (typeof opts.buildBuiltinImages === "string") await printBuiltImages(opts.buildBuiltinImages);
      else if (typeof opts.importBuiltinImages === "string")
        await importBuiltImages(opts.importBuiltinImages);
      else await runAgent(opts);
    });
}
