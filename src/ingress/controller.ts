// The ingress controller: informers on IngressClasses, Ingresses, Services, EndpointSlices, TLS
// Secrets and Nodes; every change (coalesced over a few milliseconds) rebuilds the routing table,
// hands it to the data plane, and brings status.loadBalancer of the served Ingresses to the
// advertised addresses.
import type { Node, Secret, Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import type { Ingress, IngressClass } from "kubernetes-types/networking/v1.js";
import { ApiError } from "../api/errors.ts";
import { SharedInformerFactory } from "../client/informer/factory.ts";
import type { ResourceCoords } from "../client/paths.ts";
import type { RestClient } from "../client/rest.ts";
import { ingressServingAnnotation, sameIngressPoints, servingAddresses } from "./addresses.ts";
import type { IngressLogger } from "./dataplane.ts";
import { buildRoutingTable, type RoutingTable } from "./table.ts";

const coords = {
  ingressClasses: {
    group: "networking.k8s.io",
    version: "v1",
    resource: "ingressclasses",
    namespaced: false,
    kind: "IngressClass",
  },
  ingresses: {
    group: "networking.k8s.io",
    version: "v1",
    resource: "ingresses",
    namespaced: true,
    kind: "Ingress",
  },
  services: { group: "", version: "v1", resource: "services", namespaced: true, kind: "Service" },
  endpointSlices: {
    group: "discovery.k8s.io",
    version: "v1",
    resource: "endpointslices",
    namespaced: true,
    kind: "EndpointSlice",
  },
  secrets: { group: "", version: "v1", resource: "secrets", namespaced: true, kind: "Secret" },
  nodes: { group: "", version: "v1", resource: "nodes", namespaced: false, kind: "Node" },
} satisfies Record<string, ResourceCoords>;

export interface IngressControllerOptions {
  client: RestClient;
  /** Receives each new table (the data plane's setTable). */
  apply(table: RoutingTable): void;
  /** Addresses for status.loadBalancer.ingress (default: the serving nodes' addresses). */
  addresses?: string[];
  /**
   * Serve TLS certificates from Secrets (default true). A node's identity may list Secrets only
   * when an admin granted it (serveIngress checks), else HTTPS serves the default certificate only.
   */
  tlsSecrets?: boolean;
  /** Coalescing delay before a rebuild (default 20 ms). */
  debounceMs?: number;
  logger?: IngressLogger;
}

export interface RunningIngressController {
  /** Resolves true once every informer has listed and the first table is applied. */
  synced: Promise<boolean>;
  /** The last table applied. */
  readonly table: RoutingTable | undefined;
  stop(): Promise<void>;
}

export function startIngressController(o: IngressControllerOptions): RunningIngressController {
  const factory = new SharedInformerFactory({ client: o.client });
  const informers = {
    ingressClasses: factory.informerFor<IngressClass>(coords.ingressClasses),
    ingresses: factory.informerFor<Ingress>(coords.ingresses),
    services: factory.informerFor<Service>(coords.services),
    endpointSlices: factory.informerFor<EndpointSlice>(coords.endpointSlices),
    nodes: factory.informerFor<Node>(coords.nodes),
  };
  // Only TLS secrets can hold Ingress certificates; the rest need not be cached here.
  const secrets =
    o.tlsSecrets === false
      ? undefined
      : factory.informerFor<Secret>(coords.secrets, { fieldSelector: "type=kubernetes.io/tls" });
  const ingresses = o.client.resource<Ingress>(coords.ingresses);
  let synced = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: RoutingTable | undefined;
  let lastProblems = "";
  let statusWork: Promise<void> = Promise.resolve();

  const writeStatus = async (table: RoutingTable): Promise<void> => {
    const ips = o.addresses ?? servingAddresses(informers.nodes.indexer.list());
    for (const key of table.ingresses) {
      const ing = informers.ingresses.indexer.get(key);
      if (!ing || stopped || sameIngressPoints(ing.status?.loadBalancer?.ingress, ips)) continue;
      try {
        await ingresses.updateStatus({
          ...ing,
          status: { ...ing.status, loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
        });
      } catch (err) {
        // A conflict means a newer version is on its way through the informer: that rebuild retries.
        if (err instanceof ApiError && (err.code === 409 || err.code === 404)) continue;
        o.logger?.warn({ err, ingress: key }, "ingress status not updated; retrying");
        schedule(2000);
      }
    }
  };

  const rebuild = (): void => {
    timer = undefined;
    if (stopped || !synced) return;
    const table = buildRoutingTable({
      ingressClasses: informers.ingressClasses.indexer.list(),
      ingresses: informers.ingresses.indexer.list(),
      services: informers.services.indexer.list(),
      endpointSlices: informers.endpointSlices.indexer.list(),
      secrets: secrets?.indexer.list() ?? [],
    });
    current = table;
    o.apply(table);
    const problems = table.problems.join("\n");
    if (problems && problems !== lastProblems)
      for (const p of table.problems) o.logger?.warn({ problem: p }, "ingress");
    lastProblems = problems;
    // One status pass at a time, in table order.
    statusWork = statusWork.then(() => writeStatus(table));
  };

  const schedule = (delay = o.debounceMs ?? 20): void => {
    if (stopped || timer) return;
    timer = setTimeout(rebuild, delay);
  };
  const handler = { onAdd: () => schedule(), onUpdate: () => schedule(), onDelete: () => schedule() };
  const { nodes, ...routing } = informers;
  const all: { addEventHandler(h: typeof handler): unknown }[] = [
    ...Object.values(routing),
    ...(secrets ? [secrets] : []),
  ];
  for (const inf of all) inf.addEventHandler(handler);
  // Nodes report status every few seconds; only a change of addresses or serving matters here.
  nodes.addEventHandler({
    onAdd: () => schedule(),
    onDelete: () => schedule(),
    onUpdate: (a, b) => {
      const serving = (n: Node) => n.metadata?.annotations?.[ingressServingAnnotation];
      if (JSON.stringify(a.status?.addresses) !== JSON.stringify(b.status?.addresses)) schedule();
      else if (serving(a) !== serving(b)) schedule();
    },
  });
  factory.start();
  const syncedPromise = factory.waitForCacheSync().then((ok) => {
    if (!ok || stopped) return false;
    synced = true;
    rebuild();
    return true;
  });
  return {
    synced: syncedPromise,
    get table() {
      return current;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await factory.stop();
      await statusWork;
    },
  };
}
