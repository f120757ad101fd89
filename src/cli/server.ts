// `skiff server`: opens the datastore, starts the API server, prints the ready line and shuts
// down gracefully on SIGTERM/SIGINT (in-flight requests finish, watches close, store closed).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { loadAdmissionConfig } from "../apiserver/admission/config.ts";
import { parseCidr } from "../apiserver/alloc/cidr.ts";
import { startApiServer } from "../apiserver/apiserver.ts";
import { createAuditor } from "../apiserver/audit/setup.ts";
import { parseAuthorizationModes } from "../apiserver/auth/authz.ts";
import { parseTokenFile } from "../apiserver/auth/tokenfile.ts";
import { EncryptionConfigError } from "../apiserver/encryption/config.ts";
import { ensureManagedConfig, pruneManagedKeys } from "../apiserver/encryption/managed.ts";
import { encryptedStore } from "../apiserver/encryption/setup.ts";
import type { ApiHandler } from "../apiserver/handler.ts";
import { RestClient } from "../client/rest.ts";
import { csrSigningController } from "../controllers/certificates/controller.ts";
import { rootCaPublisherController } from "../controllers/serviceaccount/rootca.ts";
import { dashboardLoginUrl } from "../dashboard/login.ts";
import { dashboardHandler, locateDashboard } from "../dashboard/serve.ts";
import { hostInfo } from "../kubelet/node/host.ts";
import { openStore } from "../storage/open.ts";
import type { Store } from "../storage/store.ts";
import { clusterDnsFor, embeddedAgentClient, firstPodCidr, type RunningAgent, startAgent } from "./agent.ts";
import { type RunningClusterDns, startClusterDns } from "./cluster-dns.ts";
import {
  defaultControllers,
  type HpaFlags,
  hpaControllerOptions,
  startControllerManager,
} from "./controller-manager.ts";

import { type RunningIngress, startIngress } from "./ingress.ts";
import { InProcessTransport } from "./inprocess-transport.ts";
import { servedResources } from "./resources.ts";
import { startEmbeddedScheduler } from "./scheduler.ts";
import { stopWithin } from "./shutdown.ts";
import { endStartup } from "./startup-flags.ts";
import { parseDatastore, parseListen, UsageError } from "./usage.ts";

export interface ServerFlags extends HpaFlags {
  dataDir: string;
  listen: string;
  datastore?: string;
  disableAgent?: boolean;
  disableControllerManager?: boolean;
  disableScheduler?: boolean;
  tlsSan: string[];
  serviceCidr: string;
  clusterCidr: string;
  tokenAuthFile?: string;
  runtime?: "auto" | "runc" | "containerd" | "fake";
  kubeletPort?: string;
  authorizationMode?: string;
  disableAdmissionPlugins?: string;
  encryptionProviderConfig?: string;
  secretsEncryption?: boolean;
  admissionControlConfigFile?: string;
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogMaxsize?: string;
  auditLogMaxbackup?: string;
  disableClusterDns?: boolean;
  /** commander's --no-proxy. */
  proxy?: boolean;
  clusterDnsPort?: string;
  clusterDnsAddress?: string;
  disableIngress?: boolean;
  ingressHttpPort?: string;
  ingressHttpsPort?: string;
  /** Metrics API scrape period (`--metric-resolution`, e.g. 15s or 500ms; SKIFF_METRIC_RESOLUTION also sets it). */
  metricResolution?: string;
}

/** `500ms`, `2s`, `1m`; undefined when unset. */
function metricResolutionMs(flags: ServerFlags): number | undefined {
  const text = process.env.SKIFF_METRIC_RESOLUTION || flags.metricResolution;
  if (text === undefined || text === "") return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!m?.[1])
    throw new UsageError(`--metric-resolution must be a duration like 15s or 500ms, got "${text}"`);
  const n = Number(m[1]);
  const ms = m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
  if (ms < 100) throw new UsageError(`--metric-resolution must be at least 100ms, got "${text}"`);
  return ms;
}

// The in-process components authenticate as themselves (not system:masters), so the bootstrap
// ClusterRoles system:kube-controller-manager and system:kube-scheduler bound them least privilege
// (the scheduler's identity is set in startEmbeddedScheduler).
const controllerManagerUser = { name: "system:kube-controller-manager", groups: ["system:authenticated"] };

function startComponents(handler: ApiHandler, logger: pino.Logger, flags: ServerFlags, dataDir: string) {
  const scheduler = flags.disableScheduler ? undefined : startEmbeddedScheduler({ handler, logger });
  const controllerManager = flags.disableControllerManager
    ? undefined
    : startControllerManager({
        transport: new InProcessTransport({ handler, user: controllerManagerUser }),
        logger,
        controllers: [
          ...defaultControllers({ dataDir, clusterCidr: flags.clusterCidr, ...hpaControllerOptions(flags) }),
          // The CSR signer needs the cluster CA's key, which only the server has.
          csrSigningController({
            cert: readFileSync(join(dataDir, "pki", "ca.crt"), "utf8"),
            key: readFileSync(join(dataDir, "pki", "ca.key"), "utf8"),
          }),
          rootCaPublisherController({ caCert: readFileSync(join(dataDir, "pki", "ca.crt"), "utf8") }),
        ],
      });
  return { scheduler, controllerManager };
}

function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** What to type next, printed once the server is ready. */
export function howToUse(kubeconfig: string, dataDir: string): string {
  const local = resolve(".skiff") === dataDir ? "" : `SKIFF_DATA_DIR=${dataDir} `;
  return [
    "",
    "  Use the cluster with kubectl:",
    `    export KUBECONFIG=${kubeconfig}`,
    "    kubectl get nodes",
    `  or without kubectl installed: ${local}skiff kubectl get nodes`,
    `  Summary: skiff status --data-dir ${dataDir}`,
    "",
  ].join("\n");
}

// The admin identity the login link is minted with (cluster-admin by its group).
const dashboardLinkUser = { name: "skiff:dashboard-login", groups: ["system:masters"] };

async function printDashboardLink(server: { url: string; handler: ApiHandler }, logger: pino.Logger) {
  const client = new RestClient({
    transport: new InProcessTransport({ handler: server.handler, user: dashboardLinkUser }),
  });
  try {
    const link = await dashboardLoginUrl({ client, serverUrl: server.url });
    process.stdout.write(`skiff server: dashboard ${link.url} (login token valid until ${link.expiresAt})\n`);
  } catch (err) {
    // The cluster works without the link: say so and carry on.
    logger.error({ err }, "could not mint the dashboard login token");
    process.stdout.write(
      `skiff server: dashboard ${server.url}/dashboard/ (paste a bearer token to log in)\n`,
    );
  } finally {
    client.close();
  }
}

export async function runServer(flags: ServerFlags): Promise<void> {
  const dataDir = resolve(flags.dataDir);
  const listen = parseListen(flags.listen);
  const datastore = parseDatastore(flags.datastore ?? `sqlite://${dataDir}/state.db`);
  const serviceCidr = usage(() => parseCidr(flags.serviceCidr));
  usage(() => parseCidr(flags.clusterCidr));
  const authorizationModes = usage(() => parseAuthorizationModes(flags.authorizationMode ?? "Node,RBAC"));
  const resolutionMs = metricResolutionMs(flags);
  const tokens = flags.tokenAuthFile
    ? usage(() => parseTokenFile(readFileSync(flags.tokenAuthFile as string, "utf8")))
    : undefined;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const why = err instanceof Error && "code" in err ? String(err.code) : String(err);
    throw new UsageError(
      `cannot use data dir ${dataDir}: ${why === "ENOTDIR" ? "a parent is not a directory" : why}`,
    );
  }
  const admissionConfig = flags.admissionControlConfigFile
    ? usage(() => loadAdmissionConfig(flags.admissionControlConfigFile as string))
    : undefined;
  const audit = usage(() =>
    createAuditor({
      ...(flags.auditPolicyFile ? { policyFile: flags.auditPolicyFile } : {}),
      ...(flags.auditLogPath ? { logPath: flags.auditLogPath } : {}),
      ...(flags.auditLogMaxsize ? { maxSizeMb: Number(flags.auditLogMaxsize) } : {}),
      ...(flags.auditLogMaxbackup ? { maxBackups: Number(flags.auditLogMaxbackup) } : {}),
    }),
  );
  const logger = pino({ level: process.env.SKIFF_LOG_LEVEL ?? "warn" }, pino.destination(2));
  const say = (line: string) => process.stdout.write(`skiff server: ${line}\n`);
  if (flags.secretsEncryption && flags.encryptionProviderConfig)
    throw new UsageError("--secrets-encryption and --encryption-provider-config cannot be used together");
  const encryptionConfig = flags.secretsEncryption
    ? usage(() => ensureManagedConfig(dataDir))
    : flags.encryptionProviderConfig;
  const opened: Store = await openStore(datastore, logger);
  let store: Store = opened;
  if (encryptionConfig) {
    try {
      store = await encryptedStore(opened, encryptionConfig, servedResources());
      // Every value now uses the first key: a managed config drops the ones rotated out.
      if (flags.secretsEncryption) {
        const dropped = pruneManagedKeys(encryptionConfig);
        if (dropped.length > 0) say(`secrets re-encrypted; dropped old keys ${dropped.join(", ")}`);
      }
    } catch (err) {
      await opened.close();
      throw err instanceof EncryptionConfigError ? new UsageError(err.message) : err;
    }
    say(`encryption at rest: ${encryptionConfig}`);
  }
  say(
    `store: ${datastore.kind === "sqlite" ? `SQLite ${datastore.path}` : `etcd ${datastore.endpoints.join(",")}`}`,
  );
  const freshPki = !existsSync(join(dataDir, "pki", "ca.crt"));
  let server: Awaited<ReturnType<typeof startApiServer>>;
  try {
    server = await startApiServer({
      dataDir,
      host: listen.host,
      port: listen.port,
      store,
      resources: servedResources(),
      serviceCidr,
      tlsSans: flags.tlsSan,
      ...(tokens ? { tokens } : {}),
      authorizationModes,
      ...(flags.disableAdmissionPlugins
        ? { disableAdmissionPlugins: flags.disableAdmissionPlugins.split(",").map((n) => n.trim()) }
        : {}),
      ...(audit ? { auditor: audit.auditor } : {}),
      ...(admissionConfig ? { admissionConfig } : {}),
      // The dashboard's static files; its data calls go through the API like any client's.
      pathHandlers: [dashboardHandler(locateDashboard())],
      logger,
      ...(resolutionMs ? { metricResolutionMs: resolutionMs } : {}),
    });
  } catch (err) {
    await store.close();
    if (err instanceof Error && "code" in err && err.code === "EADDRINUSE") {
      throw new UsageError(`cannot listen on ${flags.listen}: address already in use`);
    }
    throw err;
  }
  say(
    `${freshPki ? "created a cluster CA and certificates" : "reusing the cluster CA"} in ${join(dataDir, "pki")}`,
  );
  say(`API server listening on ${server.url}`);
  const { scheduler, controllerManager } = startComponents(server.handler, logger, flags, dataDir);
  let dns: RunningClusterDns | undefined;
  if (!flags.disableClusterDns) {
    try {
      dns = await startClusterDns({
        handler: server.handler,
        serviceIp: clusterDnsFor(flags.serviceCidr),
        port: Number(flags.clusterDnsPort ?? 10053),
        endpointIp: flags.clusterDnsAddress ?? hostInfo().internalIP,
      });
    } catch (err) {
      await controllerManager?.stop();
      await scheduler?.stop();
      await server.close();
      await store.close();
      const code = (err as { code?: string }).code;
      if (code === "EADDRINUSE") {
        throw new UsageError(
          `cluster DNS port ${flags.clusterDnsPort ?? 10053} is in use: pick another with --cluster-dns-port`,
        );
      }
      throw err;
    }
  }
  const ingress: RunningIngress | undefined = flags.disableIngress
    ? undefined
    : await startIngress({
        handler: server.handler,
        httpPort: Number(flags.ingressHttpPort ?? 80),
        httpsPort: Number(flags.ingressHttpsPort ?? 443),
        // Without a node of its own, the server routes to the joined nodes' pods itself.
        podRoutes: flags.disableAgent === true,
        logger,
        say: (line) => process.stderr.write(`skiff server: ${line}\n`),
      });
  let agent: RunningAgent | undefined;
  if (!flags.disableAgent) {
    const nodeName = hostname().toLowerCase();
    const client = embeddedAgentClient(server.handler, nodeName);
    try {
      agent = await startAgent({
        client,
        nodeName,
        dataDir: join(dataDir, "agent"),
        runtime: flags.runtime ?? "auto",
        podCidr: firstPodCidr(flags.clusterCidr),
        clusterDNS: clusterDnsFor(flags.serviceCidr),
        kubeletPort: flags.kubeletPort !== undefined ? Number(flags.kubeletPort) : 10250,
        clusterCa: readFileSync(join(dataDir, "pki", "ca.crt"), "utf8"),
        proxy: flags.proxy === false ? false : { clusterCidr: flags.clusterCidr },
        // The service-CIDR route (host-originated ClusterIP traffic) and routes to joined nodes' pods.
        routes: { serviceCidr: flags.serviceCidr, clusterCidr: flags.clusterCidr },
        logger,
        say,
      });
    } catch (err) {
      client.close();
      await ingress?.stop();
      await controllerManager?.stop();
      await scheduler?.stop();
      await server.close();
      await store.close();
      throw err;
    }
  }
  const node = agent
    ? `node ${agent.kubelet.nodeName} Ready, runtime ${agent.runtimeVersion}`
    : "no node agent: --disable-agent";
  await printDashboardLink(server, logger);
  process.stdout.write(
    `skiff server ready at ${server.url} (kubeconfig: ${server.kubeconfigPath}; ${node})\n`,
  );
  process.stdout.write(howToUse(server.kubeconfigPath, dataDir));
  endStartup();
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void Promise.resolve(agent?.stop())
        .then(() => ingress?.stop())
        .then(() => dns?.stop())
        .then(() =>
          stopWithin({
            stops: {
              "controller-manager": () => controllerManager?.stop(),
              scheduler: () => scheduler?.stop(),
            },
            timeoutMs: 5000,
            onLate: (names) =>
              logger.warn({ components: names }, "still stopping after 5 s; shutting down anyway"),
          }),
        )
        .then(() => server.close())
        .then(() => store.close())
        .then(() => audit?.close())
        .catch((err: unknown) => logger.error({ err }, "shutdown failed"))
        .finally(done);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
