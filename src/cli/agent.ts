import { dirname, join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import type pino from "pino";
import type { ApiHandler } from "../apiserver/handler.ts";
import { RestClient } from "../client/rest.ts";
import { Kubelet } from "../kubelet/agent/kubelet.ts";
import type { EvictionThreshold } from "../kubelet/eviction/thresholds.ts";
import { FakeRuntimeStatsProvider } from "../kubelet/hollow/runtime-provider.ts";
import { PauseRef } from "../kubelet/images/busybox.ts";
import type { LogRotationPolicy } from "../kubelet/logs/rotation.ts";
import { RouteManager } from "../kubelet/network/routes.ts";
import { hostInfo } from "../kubelet/node/host.ts";
import { writeNodeRecord } from "../kubelet/reset.ts";
import { fakeRuntimeName } from "../kubelet/runtime/fake/fake-runtime.ts";
import { formatCidr, formatIpv4, parseIpv4Cidr, subnet } from "../kubelet/runtime/fake/ipam.ts";
import {
  type OpenRuntimeOptions,
  openRuntime,
  type RuntimeChoice,
  RuntimeUnavailableError,
} from "../kubelet/runtime/open.ts";
import type { Runtime } from "../kubelet/runtime/runtime.ts";
import { ensureServingCert } from "../kubelet/server/cert.ts";
import { type RunningKubeletServer, startKubeletServer } from "../kubelet/server/server.ts";
import { CgroupStatsProvider } from "../kubelet/stats/cgroup-provider.ts";
import { statsRoutes } from "../kubelet/stats/routes.ts";
import type { StatsProvider } from "../kubelet/stats/summary.ts";
import { ServiceProxy } from "../proxy/proxier.ts";
import { InProcessTransport } from "./inprocess-transport.ts";
import { UsageError } from "./usage.ts";

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
  /** Container log rotation (default: the kubelet's 10Mi and 5 files). */
  containerLogs?: LogRotationPolicy;
  /** Kubelet server port (default 10250; 0 picks a free one). */
  kubeletPort?: number;
  /** Builds the pause/busybox archives when missing (default: in this process). */
  buildImages?: OpenRuntimeOptions["buildImages"];
  /** runc: imports them into the image store when missing (default: in this process). */
  importImages?: OpenRuntimeOptions["importImages"];
  /** The cluster CA (PEM) that signs the API server's client certificate; absent: nobody is let in. */
  clusterCa?: string;
  /**
   * The service proxy (nftables rules for ClusterIP/NodePort) with the cluster CIDR whose traffic
   * is not masqueraded; false runs none. Never on the fake runtime: a hollow node has no network.
   */
  proxy?: { clusterCidr?: string } | false;
  /** host-gw routes (other nodes' pod CIDRs, the service CIDR onto the bridge); absent: none. */
  routes?: { serviceCidr: string; clusterCidr?: string; backend?: "host-gw" | "vxlan" };
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
      ...(o.buildImages ? { buildImages: o.buildImages } : {}),
      ...(o.importImages ? { importImages: o.importImages } : {}),
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
          containerLogs: o.containerLogs ?? { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 5 },
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
      ...(o.routes.backend ? { backend: o.routes.backend } : {}),
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
