// Assembles a running API server: PKI, registry, handler chain with the schema/patch/allocator
// seams, the HTTPS listener, seed objects and the admin kubeconfig.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "../api/registry.ts";
import type { ResourceDef } from "../api/resource.ts";
import type { Store } from "../storage/store.ts";
import { csrRequestorAdmission } from "./admission/csr-requestor.ts";
import { defaultStorageClassAdmission } from "./admission/defaultstorageclass.ts";
import { defaultTolerationSecondsAdmission } from "./admission/defaulttolerationseconds.ts";
import { limitRangerAdmission } from "./admission/limitranger.ts";
import { priorityAdmission } from "./admission/priority.ts";
import { resourceQuotaAdmission } from "./admission/resourcequota.ts";
import { type Ipv4Cidr, nthAddress } from "./alloc/cidr.ts";
import { createServiceAllocator } from "./alloc/services.ts";
import { allowDashboardAssets, createAuthenticator } from "./auth/authn.ts";
import type { AuthorizationMode } from "./auth/authz.ts";
import { withImpersonation } from "./auth/impersonation.ts";
import { reviewHandlers, reviewResources } from "./auth/reviews.ts";
import { createAuth } from "./auth/setup.ts";
import type { UserInfo } from "./auth/user.ts";
import { ApiHandler, type Logger, type PathHandler } from "./handler.ts";
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
  /** Further non-resource paths (the dashboard under /dashboard/, mounted by the CLI). */
  pathHandlers?: readonly PathHandler[];
  logger?: Logger;
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
  const registry = new Registry().add(...options.resources, ...reviewResources());
  const cache = new WatchCache({
    store: options.store,
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
  const handler = new ApiHandler({
    registry,
    store: options.store,
    source,
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
      priorityAdmission({ source }),
      csrRequestorAdmission,
      defaultTolerationSecondsAdmission(),
      defaultStorageClassAdmission({ source }),
      limitRangerAdmission({ source }),
      resourceQuotaAdmission({ source, objects: new ObjectStore(options.store) }),
      ...authorization.admission,
    ],
    subresources: new Map([...lifecycleSubresources(pki.kubeletClient), ...authorization.subresources]),
    decoder: schemaDecoder,
    patcher: dispatchPatcher,
    patchSchemaFor: schemaPatchSchemaFor,
    pathHandlers: [
      openApiPathHandler(registry),
      ...authorization.pathHandlers,
      ...(options.pathHandlers ?? []),
    ],
    // The bound port: --listen may ask for port 0.
    serverAddress: hostPort,
    ...(options.logger ? { logger: options.logger } : {}),
  });
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
  for (const p of problems) options.logger?.error({ problem: p }, "seeding failed");
  const hostPart = clientHost.includes(":") ? `[${clientHost}]` : clientHost;
  const url = `https://${hostPart}:${running.port}`;
  const kubeconfigPath = join(options.dataDir, "kubeconfig");
  writeFileSync(kubeconfigPath, adminKubeconfig(url, pki), { mode: 0o600 });
  return {
    url,
    port: running.port,
    kubeconfigPath,
    handler,
    registry,
    close: async () => {
      await running.close();
      await authorization.stop();
      cache.stop();
    },
  };
}
