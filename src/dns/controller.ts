// Keeps ClusterRecords current from the API: one informer for Services and one for
// EndpointSlices (watch, not polling), each event applied as it arrives.
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { SharedInformerFactory } from "../client/informer/factory.ts";
import type { ResourceCoords } from "../client/paths.ts";
import type { RestClient } from "../client/rest.ts";
import type { ClusterRecords } from "./records.ts";

const services: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "services",
  namespaced: true,
  kind: "Service",
};
const endpointSlices: ResourceCoords = {
  group: "discovery.k8s.io",
  version: "v1",
  resource: "endpointslices",
  namespaced: true,
  kind: "EndpointSlice",
};

export interface DnsRecordSync {
  /** Resolves true once both informers have listed. */
  synced: Promise<boolean>;
  stop(): Promise<void>;
}

export function syncClusterRecords(client: RestClient, records: ClusterRecords): DnsRecordSync {
  const factory = new SharedInformerFactory({ client });
  const ns = (o: { metadata?: { namespace?: string; name?: string } }) => ({
    namespace: o.metadata?.namespace ?? "default",
    name: o.metadata?.name ?? "",
  });
  factory.informerFor<Service>(services).addEventHandler({
    onAdd: (s) => records.upsertService(s),
    onUpdate: (_o, s) => records.upsertService(s),
    onDelete: (s) => records.deleteService(ns(s).namespace, ns(s).name),
  });
  factory.informerFor<EndpointSlice>(endpointSlices).addEventHandler({
    onAdd: (s) => records.upsertSlice(s),
    onUpdate: (_o, s) => records.upsertSlice(s),
    onDelete: (s) => records.deleteSlice(ns(s).namespace, ns(s).name),
  });
  factory.start();
  return { synced: factory.waitForCacheSync(), stop: () => factory.stop() };
}
