// `skiff agent`: a node agent joining a cluster (server URL + token, or a kubeconfig), on the
// runtime picked by --runtime; and the agent `skiff server` embeds on its in-process transport.
import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { Pod } from "kubernetes-types/core/v1.js";
import pino from "pino";
import type { ApiHandler } from "../apiserver/handler.ts";
import { HttpsTransport } from "../client/https-transport.ts";
import { type ClusterConnection, loadKubeconfig } from "../client/kubeconfig.ts";
import { RestClient } from "../client/rest.ts";
import { Kubelet } from "../kubelet/agent/kubelet.ts";
import { CertificateRequestError } from "../kubelet/bootstrap/csr.ts";
import { ensureNodeCredentials } from "../kubelet/bootstrap/join.ts";
import { hasNodeKubeconfig } from "../kubelet/bootstrap/kubeconfig.ts";
import { JoinTrustError } from "../kubelet/bootstrap/trust.ts";
import {
  type EvictionThreshold,
  EvictionThresholdError,
  parseEvictionThresholds,
} from "../kubelet/eviction/thresholds.ts";
import { FakeRuntimeStatsProvider } from "../kubelet/hollow/runtime-provider.ts";
import { PauseRef } from "../kubelet/images/busybox.ts";
import { RouteManager } from "../kubelet/network/routes.ts";
import { hostInfo } from "../kubelet/node/host.ts";
import { writeNodeRecord } from "../kubelet/reset.ts";
import { fakeRuntimeName } from "../kubelet/runtime/fake/fake-runtime.ts";
import { formatCidr, formatIpv4, parseIpv4Cidr, subnet } from "../kubelet/runtime/fake/ipam.ts";
import { openRuntime, type RuntimeChoice, RuntimeUnavailableError } from "../kubelet/runtime/open.ts";
import type { Runtime } from "../kubelet/runtime/runtime.ts";
import { ensureServingCert } from "../kubelet/server/cert.ts";
import { type RunningKubeletServer, startKubeletServer } from "../kubelet/server/server.ts";
import { CgroupStatsProvider } from "../kubelet/stats/cgroup-provider.ts";
import { statsRoutes } from "../kubelet/stats/routes.ts";
import type { StatsProvider } from "../kubelet/stats/summary.ts";
import { ServiceProxy } from "../proxy/proxier.ts";
import { InProcessTransport } from "./inprocess-transport.ts";
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
  /** --ca-cert-hash (repeatable): pins of the cluster CA when joining with a bootstrap token. */
  caCertHash?: string[];
  /** --network-backend: host-gw routes to other nodes' pod CIDRs, or none. */
  networkBackend?: "host-gw" | "none";
}

const bootstrapTokenPattern = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

/** The nftables table a node's proxy owns (one per node, so agents sharing a host never collide). */
export function proxyTableFor(nodeName: string): string {
  return `skiff-${nodeName.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, 60);
}

/** The cluster DNS address: the 10th IP of the service CIDR (10.43.0.10 for 10.43.0.0/16). */
export function clusterDnsFor(serviceCidr: string): string {
  const c = parseIpv4Cidr(serviceCidr);
  return formatIpv4(c.base + 10);
}

/** A node's fallback pod CIDR when the cluster assigns none: the first /24 of the cluster CIDR. */
export function firstPodCidr(clusterCidr: string): string {
  return formatCidr(subnet(parseIpv4Cidr(clusterCidr), 24, 0));
}

export interface RunningAgent {
  kubelet: Kubelet;
  runtime: Runtime;
  runtimeVersion: string;
  kubeletPort: number;
  stop(): Promise<void>;
}

export interface StartAgentOptions {
  client: RestClient;
  nodeName: string;
  dataDir: string;
  runtime: RuntimeChoice;
  endpoint?: string;
  podCidr?: string;
  clusterDNS: string;
  clusterDomain?: string;
  nodeIP?: string;
  staticPodPath?: string;
  bridge?: string;
  cgroupRoot?: string;
  /** Image GC thresholds (percent of the image filesystem; default 85/80). */
  imageGc?: { highThresholdPercent: number; lowThresholdPercent: number };
  /** Hard eviction thresholds (default: the kubelet's evictionHard). */
  evictionHard?: readonly EvictionThreshold[];
  /** Kubelet server port (default 10250; 0 picks a free one). */
  kubeletPort?: number;
  /** The cluster CA (PEM) that signs the API server's client certificate; absent: nobody is let in. */
  clusterCa?: string;
  /**
   * The service proxy (nftables rules for ClusterIP/NodePort) with the cluster CIDR whose traffic
   * is not masqueraded; false runs none. Never on the fake runtime: a hollow node has no network.
   */
  proxy?: { clusterCidr?: string } | false;
  /** host-gw routes (other nodes' pod CIDRs, the service CIDR onto the bridge); absent: none. */
  routes?: { serviceCidr: string; clusterCidr?: string };
  logger: pino.Logger;
  say(line: string): void;
}

/** Cgroup figures on a real runtime; on the fake one, the synthetic figures hollow nodes report. */
function statsProvider(
  o: StartAgentOptions,
  runtimeName: string,
  runtime: Runtime,
  pods: () => Pod[],
): StatsProvider {
  if (runtimeName === fakeRuntimeName)
    return new FakeRuntimeStatsProvider({ nodeName: o.nodeName, runtime, pods });
  return new CgroupStatsProvider({
    nodeName: o.nodeName,
    runtime,
    pods,
    dataDir: o.dataDir,
    ...(o.cgroupRoot ? { cgroupRoot: o.cgroupRoot } : {}),
  });
}

/** Opens the runtime, starts the kubelet and resolves once the node is Ready. */
export async function startAgent(o: StartAgentOptions): Promise<RunningAgent> {
  let opened: Awaited<ReturnType<typeof openRuntime>>;
  try {
    opened = await openRuntime({
      choice: o.runtime,
      dataDir: o.dataDir,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.bridge ? { bridge: o.bridge } : {}),
      say: o.say,
    });
  } catch (err) {
    if (err instanceof RuntimeUnavailableError) throw new UsageError(err.message);
    throw err;
  }
  const { runtime } = opened;
  // What this node owns on the host, for `skiff reset`.
  const cgroupRoot = o.cgroupRoot ?? "/skiff/kubepods";
  writeNodeRecord(o.dataDir, {
    nodeName: o.nodeName,
    runtime: opened.kind,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    bridge: o.bridge ?? "skiff0",
    network: o.bridge ?? "skiff",
    cgroupRoot: cgroupRoot.endsWith("/kubepods") ? dirname(cgroupRoot) : cgroupRoot,
    ...(o.proxy !== false && opened.kind !== "fake" ? { proxyTable: proxyTableFor(o.nodeName) } : {}),
  });
  const v = await runtime.version();
  const runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
  // The kubelet server (logs, exec, attach, port-forward) listens before the Node registers,
  // so the port it advertises is the one bound.
  let kubeletServer: RunningKubeletServer;
  let kubeletRef: Kubelet | undefined;
  try {
    const addresses = [...new Set([o.nodeIP ?? hostInfo().internalIP, "127.0.0.1"])];
    kubeletServer = await startKubeletServer({
      runtime,
      host: "0.0.0.0",
      port: o.kubeletPort ?? 10250,
      tls: await ensureServingCert(join(o.dataDir, "pki"), o.nodeName, addresses),
      clientCa: o.clusterCa ?? "",
      // The kubelet is created just below; a /pods request before that sees none.
      pods: () => (kubeletRef ? kubeletRef.pods() : []),
      routes: statsRoutes(
        statsProvider(o, v.runtimeName, runtime, () => (kubeletRef ? kubeletRef.pods() : [])),
      ),
    });
  } catch (err) {
    await runtime.close();
    const code = (err as { code?: string }).code;
    if (code === "EADDRINUSE") {
      throw new UsageError(
        `kubelet port ${o.kubeletPort ?? 10250} is in use: pick another with --kubelet-port`,
      );
    }
    throw err;
  }
  let lastNotReady = "";
  const kubelet = new Kubelet({
    client: o.client,
    runtime,
    nodeName: o.nodeName,
    dataDir: o.dataDir,
    clusterDNS: o.clusterDNS,
    ...(o.clusterDomain ? { clusterDomain: o.clusterDomain } : {}),
    ...(o.podCidr ? { podCidr: o.podCidr } : {}),
    ...(o.nodeIP ? { nodeIP: o.nodeIP } : {}),
    ...(o.staticPodPath ? { staticPodPath: o.staticPodPath } : {}),
    ...(o.cgroupRoot ? { cgroupRoot: o.cgroupRoot } : {}),
    ...(opened.kind !== "fake"
      ? {
          eviction: o.evictionHard ? { thresholds: o.evictionHard } : {},
          imageGc: {
            imageFsPath: o.dataDir,
            pinned: [PauseRef],
            ...(o.imageGc ? { policy: o.imageGc } : {}),
          },
        }
      : {}),
    kubeletPort: kubeletServer.port,
    onError: (err, what) => o.logger.warn({ err }, `agent: ${what} failed`),
    onReadyChange: (ready, message) => {
      if (!ready && message !== lastNotReady) {
        lastNotReady = message;
        o.say(`node ${o.nodeName} not ready: ${message}`);
      }
    },
  });
  kubeletRef = kubelet;
  try {
    await kubelet.start();
    await kubelet.waitReady();
  } catch (err) {
    await kubelet.stop();
    await kubeletServer.close();
    await runtime.close();
    throw err;
  }
  let routes: RouteManager | undefined;
  if (o.routes && o.runtime !== "fake" && v.runtimeName !== "fake") {
    routes = new RouteManager({
      client: o.client,
      nodeName: o.nodeName,
      ...(o.nodeIP ? { nodeIP: o.nodeIP } : {}),
      serviceCidr: o.routes.serviceCidr,
      ...(o.routes.clusterCidr ? { clusterCidr: o.routes.clusterCidr } : {}),
      bridge: o.bridge ?? "skiff0",
      onError: (err) => o.logger.warn({ err }, "route manager: programming routes failed; retrying"),
    });
    try {
      await routes.start();
    } catch (err) {
      await routes.stop();
      await kubelet.stop();
      await kubeletServer.close();
      await runtime.close();
      throw err;
    }
  }
  let proxy: ServiceProxy | undefined;
  if (o.proxy !== false && o.runtime !== "fake" && v.runtimeName !== "fake") {
    proxy = new ServiceProxy({
      client: o.client,
      nodeName: o.nodeName,
      table: proxyTableFor(o.nodeName),
      ...(o.proxy?.clusterCidr ? { clusterCidr: o.proxy.clusterCidr } : {}),
      onError: (err) => o.logger.warn({ err }, "service proxy: applying rules failed; retrying"),
    });
    try {
      await proxy.start();
    } catch (err) {
      await proxy.stop();
      await routes?.stop();
      await kubelet.stop();
      await kubeletServer.close();
      await runtime.close();
      throw err;
    }
  }
  return {
    kubelet,
    runtime,
    runtimeVersion,
    kubeletPort: kubeletServer.port,
    stop: async () => {
      await proxy?.stop();
      await routes?.stop();
      await kubeletServer.close();
      await kubelet.stop();
      await runtime.close();
    },
  };
}

/** The agent inside `skiff server`: in-process transport as the node's identity. */
export function embeddedAgentClient(handler: ApiHandler, nodeName: string): RestClient {
  const transport = new InProcessTransport({
    handler,
    user: {
      name: `system:node:${nodeName}`,
      groups: ["system:nodes", "system:masters", "system:authenticated"],
    },
  });
  return new RestClient({ transport });
}

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
      ...(conn.ca ? { clusterCa: conn.ca } : {}),
      proxy: flags.proxy === false ? false : { clusterCidr: flags.clusterCidr },
      ...(backend === "host-gw"
        ? {
            routes: {
              serviceCidr: flags.serviceCidr,
              ...(flags.clusterCidr ? { clusterCidr: flags.clusterCidr } : {}),
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
  process.stdout.write(`skiff agent ready: node ${nodeName} (${agent.runtimeVersion})\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      void agent
        .stop()
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
        "routes to other nodes' pod CIDRs (default host-gw when joining)",
      ).choices(["host-gw", "none"]),
    )
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
    .action(async (opts) => {
      await runAgent(opts);
    });
}
