// Assembles a running API server: PKI, registry, handler chain with the schema/patch/allocator
// seams, the HTTPS listener, seed objects and the admin kubeconfig.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "../api/registry.ts";
import type { ResourceDef } from "../api/resource.ts";
import type { Store } from "../storage/store.ts";
import type { AdmissionConfig } from "./admission/config.ts";
import { csrRequestorAdmission } from "./admission/csr-requestor.ts";
import { defaultIngressClassAdmission } from "./admission/defaultingressclass.ts";
import { defaultStorageClassAdmission } from "./admission/defaultstorageclass.ts";
import { defaultTolerationSecondsAdmission } from "./admission/defaulttolerationseconds.ts";
import { limitRangerAdmission } from "./admission/limitranger.ts";
import { podSecurityAdmission } from "./admission/podsecurity/admission.ts";
import { validatingAdmissionPolicyAdmission } from "./admission/policy/admission.ts";
import { priorityAdmission } from "./admission/priority.ts";
import { resourceQuotaAdmission } from "./admission/resourcequota.ts";
import { serviceAccountAdmission } from "./admission/serviceaccount.ts";
import { mutatingWebhookAdmission, validatingWebhookAdmission } from "./admission/webhook/dispatch.ts";
import { type Ipv4Cidr, nthAddress } from "./alloc/cidr.ts";
import { createServiceAllocator } from "./alloc/services.ts";
import type { Auditor } from "./audit/recorder.ts";
import { allowDashboardAssets, createAuthenticator } from "./auth/authn.ts";
import type { AuthorizationMode } from "./auth/authz.ts";
import { withImpersonation } from "./auth/impersonation.ts";
import { reviewHandlers, reviewResources } from "./auth/reviews.ts";
import { createAuth } from "./auth/setup.ts";
import type { UserInfo } from "./auth/user.ts";
import { CrdController, customResourcePatcher, withApiextensions } from "./crd/index.ts";
import { crdValidationRulesAdmission } from "./crd/rules-admission.ts";
import { ApiHandler, type Logger, type PathHandler } from "./handler.ts";
import { createMetricsApi, metricsResources } from "./metricsapi/index.ts";
import { metricsPathHandler } from "./monitoring/endpoint.ts";
import { InstrumentedStore, KeyTypes, registerStorageObjects } from "./monitoring/store.ts";
import { namespaceLifecycle } from "./namespacelifecycle.ts";
import { adminKubeconfig, ensurePki } from "./pki.ts";
import { apiServerEndpointsSeed, apiServiceSeed, defaultSeed, seed } from "./seed.ts";
import { type RunningServer, startHttpsServer } from "./server.ts";
import { ObjectStore } from "./storage/objectstore.ts";
import { lifecycleSubresources } from "./subresources/index.ts";
import { WatchCache } from "./watchcache/watchcache.ts";
import { dispatchPatcher, openApiPathHandler, schemaDecoder, schemaPatchSchemaFor } from "./wiring.ts";

export interface ApiServerOptions {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  store: Store;
  resources: readonly ResourceDef[];
  serviceCidr: Ipv4Cidr;
  tlsSans?: readonly string[];
  tokens?: ReadonlyMap<string, UserInfo>;
  /** `--authorization-mode`; default Node,RBAC. */
  authorizationModes?: readonly AuthorizationMode[];
  /** `--disable-admission-plugins`: names of plugins left out of the chain (e.g. ServiceAccount). */
  disableAdmissionPlugins?: readonly string[];
  /** `--admission-control-config-file` (src/apiserver/admission/config.ts). */
  admissionConfig?: AdmissionConfig;
  /** `--audit-policy-file` with `--audit-log-path` (src/apiserver/audit/setup.ts). */
  auditor?: Auditor;
  /** Further non-resource paths (the dashboard under /dashboard/, mounted by the CLI). */
  pathHandlers?: readonly PathHandler[];
  logger?: Logger;
  /** How often the metrics API scrapes kubelets (metrics-server's --metric-resolution; default 15 s). */
  metricResolutionMs?: number;
}

export interface ApiServer {
  url: string;
  port: number;
  kubeconfigPath: string;
  handler: ApiHandler;
  registry: Registry;
  /** Graceful: stop accepting, end watches, finish in-flight requests. The Store stays open. */
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const kubernetesIp = nthAddress(options.serviceCidr, 1);
  const pki = await ensurePki(options.dataDir, { tlsSans: options.tlsSans ?? [], serviceIp: kubernetesIp });
  const registry = withApiextensions(
    new Registry().add(...options.resources, ...reviewResources(), ...metricsResources()),
  );
  // Every Store call is timed (etcd_request_duration_seconds); the caller's Store stays the backend.
  const store = new InstrumentedStore(options.store, new KeyTypes(() => registry.all()));
  const cache = new WatchCache({
    store,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await cache.start();
  const source = cache;
  const clientHost = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  let boundPort = options.port;
  const hostPort = () => `${clientHost.includes(":") ? `[${clientHost}]` : clientHost}:${boundPort}`;
  const authorization = await createAuth({
    registry,
    source,
    modes: options.authorizationModes ?? ["Node", "RBAC"],
    dataDir: options.dataDir,
    caCert: pki.ca.cert,
    serverUrl: () => `https://${hostPort()}`,
    onError: (err) => options.logger?.error({ err }, "authentication/authorization controller failed"),
  });
  const authenticator = withImpersonation(
    createAuthenticator({
      ...(options.tokens ? { tokens: options.tokens } : {}),
      tokenAuthenticators: authorization.tokenAuthenticators,
    }),
    authorization.decisions,
  );
  const metrics = createMetricsApi({
    registry,
    source,
    store,
    kubeletClient: pki.kubeletClient,
    ...(options.metricResolutionMs ? { resolutionMs: options.metricResolutionMs } : {}),
    onError: (err, node) => options.logger?.debug?.({ err, node }, "metrics: scraping a kubelet failed"),
  });
  const credentials = options.admissionConfig?.webhookCredentials;
  const webhookCredentials = credentials ? { credentials } : {};
  const ignoredWebhookError = (webhook: string, err: unknown) =>
    options.logger?.error({ err, webhook }, "webhook call failed; ignored (failurePolicy Ignore)");
  const handler = new ApiHandler({
    registry,
    // Metrics objects are read from the collector through these; all else passes through.
    store: metrics.store,
    source: metrics.source,
    authenticator,
    authorizer: allowDashboardAssets(authorization.authorizer),
    virtualResources: reviewHandlers({
      authenticator,
      authorizer: authorization.decisions,
      ...(authorization.rulesFor ? { rulesFor: authorization.rulesFor } : {}),
    }),
    admission: [
      createServiceAllocator({ source, serviceCidr: options.serviceCidr }),
      namespaceLifecycle,
      serviceAccountAdmission({ source, objects: new ObjectStore(options.store) }),
      priorityAdmission({ source }),
      csrRequestorAdmission,
      defaultTolerationSecondsAdmission(),
      defaultStorageClassAdmission({ source }),
      defaultIngressClassAdmission({ source }),
      limitRangerAdmission({ source }),
      podSecurityAdmission({
        source,
        objects: new ObjectStore(store),
        ...(options.admissionConfig?.podSecurity ? { config: options.admissionConfig.podSecurity } : {}),
      }),
      mutatingWebhookAdmission({ source, onIgnoredError: ignoredWebhookError, ...webhookCredentials }),
      crdValidationRulesAdmission,
      validatingAdmissionPolicyAdmission({ source, registry, authorizer: authorization.decisions }),
      validatingWebhookAdmission({ source, onIgnoredError: ignoredWebhookError, ...webhookCredentials }),
      resourceQuotaAdmission({ source, objects: new ObjectStore(store) }),
      ...authorization.admission,
    ].filter((p) => !options.disableAdmissionPlugins?.includes(p.name)),
    subresources: new Map([...lifecycleSubresources(pki.kubeletClient), ...authorization.subresources]),
    decoder: schemaDecoder,
    patcher: customResourcePatcher(dispatchPatcher, registry),
    patchSchemaFor: schemaPatchSchemaFor,
    pathHandlers: [
      openApiPathHandler(registry),
      metricsPathHandler(),
      ...authorization.pathHandlers,
      ...(options.pathHandlers ?? []),
    ],
    // The bound port: --listen may ask for port 0.
    serverAddress: hostPort,
    ...(options.auditor ? { auditor: options.auditor } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  // Custom resources are served before the listener opens: a restarted server serves them at once.
  const crds = new CrdController({
    registry,
    source,
    handler,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await crds.start();
  const running: RunningServer = await startHttpsServer({
    handler,
    host: options.host,
    port: options.port,
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
  });
  boundPort = running.port;
  const problems = await seed(handler, [
    ...defaultSeed(kubernetesIp),
    ...apiServerEndpointsSeed(clientHost, running.port),
    ...apiServiceSeed(registry, new Date()),
  ]);
  problems.push(...(await authorization.start(handler)));
  metrics.start();
  for (const p of problems) options.logger?.error({ problem: p }, "seeding failed");
  const hostPart = clientHost.includes(":") ? `[${clientHost}]` : clientHost;
  const url = `https://${hostPart}:${running.port}`;
  const kubeconfigPath = join(options.dataDir, "kubeconfig");
  writeFileSync(kubeconfigPath, adminKubeconfig(url, pki), { mode: 0o600 });
  // Registered once the server is up, so a failed start leaves no source behind in the registry.
  const removeStorageObjects = registerStorageObjects(options.store, () => registry.all());
  return {
    url,
    port: running.port,
    kubeconfigPath,
    handler,
    registry,
    close: async () => {
      await running.close();
      crds.stop();
      await metrics.stop();
      await authorization.stop();
      cache.stop();
      removeStorageObjects();
    },
  };
}
