// The cluster DNS inside `skiff server`: the DNS server (src/dns) answering from a watch of
// Services and EndpointSlices, reachable from pods at the kube-dns Service IP (the 10th address of
// the service CIDR): the server keeps that Service (no selector) and an EndpointSlice pointing at
// the address and port the DNS server listens on, and the service proxy on each node DNATs to it.
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { ApiError } from "../api/errors.ts";
import type { ApiHandler } from "../apiserver/handler.ts";
import { RestClient } from "../client/rest.ts";
import { type DnsRecordSync, syncClusterRecords } from "../dns/controller.ts";
import { hostUpstreams } from "../dns/forwarder.ts";
import { ClusterRecords } from "../dns/records.ts";
import { type RunningDnsServer, startDnsServer } from "../dns/server.ts";
import { InProcessTransport } from "./inprocess-transport.ts";

export interface ClusterDnsOptions {
  handler: ApiHandler;
  /** The kube-dns Service IP (10th address of the service CIDR). */
  serviceIp: string;
  /** Port to listen on (UDP and TCP, all addresses); 0 picks a free one. */
  port: number;
  /** The address pods reach the DNS server at (kube-dns's endpoint): a node address. */
  endpointIp: string;
  domain?: string;
}

export interface RunningClusterDns {
  port: number;
  stop(): Promise<void>;
}

const managedBy = "skiff-server";

async function upsert<T extends { metadata?: { resourceVersion?: string } }>(
  get: () => Promise<T>,
  create: () => Promise<T>,
  update: (current: T) => Promise<T>,
): Promise<void> {
  try {
    await update(await get());
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
    await create();
  }
}

/**
 * Listens on the endpoint address when it is one of this host's, so UDP answers leave from the
 * address the proxy DNATed the query to (a socket on 0.0.0.0 answers from the address routing
 * picks, e.g. the pod bridge's, which conntrack cannot match to the query, and the pod never sees
 * the answer). An address the host does not have yet (a bridge an agent creates later) falls
 * back to all addresses.
 */
async function listen(records: ClusterRecords, o: ClusterDnsOptions): Promise<RunningDnsServer> {
  const options = { records, port: o.port, upstreams: hostUpstreams() };
  try {
    return await startDnsServer({ ...options, host: o.endpointIp });
  } catch (err) {
    if ((err as { code?: string }).code !== "EADDRNOTAVAIL") throw err;
    return startDnsServer({ ...options, host: "0.0.0.0" });
  }
}

export async function startClusterDns(o: ClusterDnsOptions): Promise<RunningClusterDns> {
  const client = new RestClient({
    transport: new InProcessTransport({
      handler: o.handler,
      user: { name: "system:kube-dns", groups: ["system:masters", "system:authenticated"] },
    }),
  });
  const records = new ClusterRecords(o.domain ? { domain: o.domain } : {});
  let sync: DnsRecordSync | undefined;
  let server: RunningDnsServer | undefined;
  try {
    sync = syncClusterRecords(client, records);
    server = await listen(records, o);
    const port = server.port;
    const services = client.resource<Service>({
      group: "",
      version: "v1",
      resource: "services",
      namespaced: true,
      kind: "Service",
    });
    const slices = client.resource<EndpointSlice>({
      group: "discovery.k8s.io",
      version: "v1",
      resource: "endpointslices",
      namespaced: true,
      kind: "EndpointSlice",
    });
    const ns = { namespace: "kube-system" };
    const service: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: {
        clusterIP: o.serviceIp,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: port },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: port },
        ],
      },
    };
    await upsert(
      () => services.get("kube-dns", ns),
      () => services.create(service, ns),
      // Only the ports follow the listener; an existing ClusterIP is immutable and kept.
      (cur) => services.update({ ...cur, spec: { ...cur.spec, ports: service.spec?.ports ?? [] } }, ns),
    );
    const slice: EndpointSlice = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      addressType: "IPv4",
      metadata: {
        name: "kube-dns-skiff",
        namespace: "kube-system",
        labels: {
          "kubernetes.io/service-name": "kube-dns",
          "endpointslice.kubernetes.io/managed-by": managedBy,
        },
      },
      ports: [
        { name: "dns", port, protocol: "UDP" },
        { name: "dns-tcp", port, protocol: "TCP" },
      ],
      endpoints: [
        { addresses: [o.endpointIp], conditions: { ready: true, serving: true, terminating: false } },
      ],
    };
    await upsert(
      () => slices.get("kube-dns-skiff", ns),
      () => slices.create(slice, ns),
      (cur) =>
        slices.update(
          { ...slice, metadata: { ...slice.metadata, resourceVersion: cur.metadata?.resourceVersion ?? "" } },
          ns,
        ),
    );
    const running = server;
    const syncing = sync;
    return {
      port,
      async stop() {
        await running.close();
        await syncing.stop();
        client.close();
      },
    };
  } catch (err) {
    await server?.close();
    await sync?.stop();
    client.close();
    throw err;
  }
}
