// Resolves an Ingress backend to what the data plane needs: the ready endpoint addresses of a
// Service port (by number or name, through the Service's EndpointSlices), or a fixed error answer
// for backends that cannot be served (missing Service or port, resource backends).
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import type { IngressBackend } from "kubernetes-types/networking/v1.js";

export interface Target {
  /** IP address (or, for ExternalName Services, a DNS name). */
  host: string;
  port: number;
}

export type Backend =
  | {
      kind: "service";
      /** `namespace/service:port`, stable across tables (round-robin state is kept per id). */
      id: string;
      /** Ready endpoints; empty means 503. */
      targets: readonly Target[];
    }
  | { kind: "error"; status: number; reason: string };

export interface ServiceIndex {
  services: ReadonlyMap<string, Service>;
  /** `namespace/service` → its EndpointSlices. */
  slices: ReadonlyMap<string, EndpointSlice[]>;
}

const serviceNameLabel = "kubernetes.io/service-name";

export function indexServices(services: Iterable<Service>, slices: Iterable<EndpointSlice>): ServiceIndex {
  const byName = new Map<string, Service>();
  for (const s of services) byName.set(`${s.metadata?.namespace ?? ""}/${s.metadata?.name ?? ""}`, s);
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata?.labels?.[serviceNameLabel];
    if (!svc || s.addressType === "FQDN") continue;
    const key = `${s.metadata?.namespace ?? ""}/${svc}`;
    const list = bySvc.get(key) ?? [];
    list.push(s);
    bySvc.set(key, list);
  }
  return { services: byName, slices: bySvc };
}

function readyTargets(slices: readonly EndpointSlice[], portName: string): Target[] {
  const seen = new Set<string>();
  const out: Target[] = [];
  for (const slice of slices) {
    const sp = (slice.ports ?? []).find(
      (p) => (p.name ?? "") === portName && (p.protocol ?? "TCP") === "TCP",
    );
    if (!sp?.port) continue;
    for (const e of slice.endpoints ?? []) {
      // A nil ready condition means ready (EndpointConditions docs); terminating ones are not.
      if (e.conditions?.ready === false) continue;
      for (const host of e.addresses) {
        const key = host.includes(":") ? `[${host}]:${sp.port}` : `${host}:${sp.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ host, port: sp.port });
      }
    }
  }
  return out.sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
}

export function resolveBackend(index: ServiceIndex, namespace: string, b: IngressBackend): Backend {
  if (b.resource) {
    // Only Services are served here; a resource backend belongs to another implementation.
    return {
      kind: "error",
      status: 503,
      reason: `resource backend ${b.resource.kind}/${b.resource.name} is not served by skiff`,
    };
  }
  const name = b.service?.name ?? "";
  const want = b.service?.port ?? {};
  const svc = index.services.get(`${namespace}/${name}`);
  if (!svc) return { kind: "error", status: 503, reason: `service ${namespace}/${name} not found` };
  const spec = svc.spec ?? {};
  const portLabel = want.name ?? String(want.number ?? "");
  const id = `${namespace}/${name}:${portLabel}`;
  if (spec.type === "ExternalName") {
    // No Service ports to look names up in: only a numeric port can be used.
    if (!spec.externalName || want.number === undefined)
      return { kind: "error", status: 503, reason: `service ${namespace}/${name}: no usable external name` };
    return { kind: "service", id, targets: [{ host: spec.externalName, port: want.number }] };
  }
  const port = (spec.ports ?? []).find((p) =>
    want.name !== undefined ? p.name === want.name : p.port === want.number,
  );
  if (!port || (port.protocol ?? "TCP") !== "TCP") {
    return {
      kind: "error",
      status: 503,
      reason: `service ${namespace}/${name} has no TCP port ${portLabel}`,
    };
  }
  const targets = readyTargets(index.slices.get(`${namespace}/${name}`) ?? [], port.name ?? "");
  return { kind: "service", id, targets };
}
