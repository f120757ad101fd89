// What the proxy programs, computed from Services and EndpointSlices like kube-proxy's
// ServicePortMap/EndpointsMap: one entry per service port with its virtual addresses (ClusterIPs,
// NodePort, LoadBalancer ingress IPs) and the endpoints that may receive its traffic — ready
// endpoints, or serving-terminating ones when none is ready (graceful drain) — filtered by the
// traffic policies (Local: only this node's endpoints).
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";

export type Protocol = "tcp" | "udp" | "sctp";

export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** Whether the endpoint runs on this proxy's node (Local traffic policies). */
  local: boolean;
}

export interface ServicePort {
  /** `namespace/name:portName/protocol`, stable across syncs. */
  id: string;
  namespace: string;
  name: string;
  protocol: Protocol;
  clusterIPs: string[];
  port: number;
  nodePort: number;
  loadBalancerIPs: string[];
  /** Endpoints for traffic to the ClusterIP (internalTrafficPolicy applied). */
  clusterEndpoints: ProxyEndpoint[];
  /** Endpoints for NodePort/LoadBalancer traffic (externalTrafficPolicy applied). */
  externalEndpoints: ProxyEndpoint[];
  /** ClientIP session affinity timeout in seconds; 0 without affinity. */
  affinitySeconds: number;
  /** externalTrafficPolicy Local keeps the client's source address (no masquerade). */
  externalLocal: boolean;
}

const serviceNameLabel = "kubernetes.io/service-name";

function protocolOf(p: string | undefined): Protocol {
  const v = (p ?? "TCP").toLowerCase();
  return v === "udp" || v === "sctp" ? v : "tcp";
}

function ipv4(ip: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
}

interface Candidate {
  ip: string;
  port: number;
  local: boolean;
  ready: boolean;
  servingTerminating: boolean;
}

/** Ready endpoints, or if none, serving-terminating ones (KEP-1669), de-duplicated. */
function usable(candidates: Candidate[]): ProxyEndpoint[] {
  const ready = candidates.filter((c) => c.ready);
  const chosen = ready.length > 0 ? ready : candidates.filter((c) => c.servingTerminating);
  const seen = new Set<string>();
  const out: ProxyEndpoint[] = [];
  for (const c of chosen) {
    const key = `${c.ip}:${c.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ip: c.ip, port: c.port, local: c.local });
  }
  return out.sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

function slicesByService(slices: Iterable<EndpointSlice>): Map<string, EndpointSlice[]> {
  const byService = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    if (s.addressType !== "IPv4") continue;
    const svc = s.metadata?.labels?.[serviceNameLabel];
    if (!svc) continue;
    const key = `${s.metadata?.namespace ?? ""}/${svc}`;
    const list = byService.get(key) ?? [];
    list.push(s);
    byService.set(key, list);
  }
  return byService;
}

function byId(a: ServicePort, b: ServicePort): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function servicePorts(
  services: Iterable<Service>,
  slices: Iterable<EndpointSlice>,
  nodeName: string,
): ServicePort[] {
  const byService = slicesByService(slices);
  const out: ServicePort[] = [];
  for (const svc of services) {
    const key = `${svc.metadata?.namespace ?? ""}/${svc.metadata?.name ?? ""}`;
    out.push(...portsOfService(svc, byService.get(key) ?? [], nodeName));
  }
  return out.sort(byId);
}

/**
 * servicePorts() that reuses a Service's entries (the same objects) while neither it nor its
 * slices changed (by resourceVersion): a sync after one EndpointSlice change recomputes one
 * Service, and the planner can tell unchanged entries by identity.
 */
export class ServicePortCache {
  private entries = new Map<string, { version: string; ports: ServicePort[] }>();

  constructor(private readonly nodeName: string) {}

  compute(services: Iterable<Service>, slices: Iterable<EndpointSlice>): ServicePort[] {
    const byService = slicesByService(slices);
    const next = new Map<string, { version: string; ports: ServicePort[] }>();
    const out: ServicePort[] = [];
    for (const svc of services) {
      const key = `${svc.metadata?.namespace ?? ""}/${svc.metadata?.name ?? ""}`;
      const own = byService.get(key) ?? [];
      const rv = (o: { metadata?: { resourceVersion?: string; uid?: string } }) =>
        `${o.metadata?.uid ?? ""}@${o.metadata?.resourceVersion ?? ""}`;
      // Without resourceVersions (objects not from an API server) nothing can be reused.
      const versioned = svc.metadata?.resourceVersion && own.every((x) => x.metadata?.resourceVersion);
      const version = versioned ? [rv(svc), ...own.map(rv).sort()].join(",") : "";
      const old = this.entries.get(key);
      const entry =
        version && old?.version === version
          ? old
          : { version, ports: portsOfService(svc, own, this.nodeName) };
      next.set(key, entry);
      out.push(...entry.ports);
    }
    this.entries = next;
    return out.sort(byId);
  }
}

function portsOfService(svc: Service, svcSlices: readonly EndpointSlice[], nodeName: string): ServicePort[] {
  const spec = svc.spec ?? {};
  if (spec.type === "ExternalName") return [];
  const clusterIPs = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter(ipv4);
  if (clusterIPs.length === 0) return []; // headless: DNS only
  const namespace = svc.metadata?.namespace ?? "";
  const name = svc.metadata?.name ?? "";
  const lbIPs = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? "").filter(ipv4);
  const out: ServicePort[] = [];
  for (const p of spec.ports ?? []) {
    const protocol = protocolOf(p.protocol);
    const candidates: Candidate[] = [];
    for (const slice of svcSlices) {
      const sp = (slice.ports ?? []).find(
        (x) => (x.name ?? "") === (p.name ?? "") && protocolOf(x.protocol) === protocol,
      );
      if (!sp?.port) continue;
      for (const e of slice.endpoints ?? []) {
        const c = e.conditions ?? {};
        const ready = c.ready !== false;
        for (const ip of e.addresses) {
          candidates.push({
            ip,
            port: sp.port,
            local: e.nodeName === nodeName,
            ready,
            servingTerminating: !ready && c.serving === true && c.terminating === true,
          });
        }
      }
    }
    const all = usable(candidates);
    const localOnly = all.filter((e) => e.local);
    const externalLocal = spec.externalTrafficPolicy === "Local";
    out.push({
      id: `${namespace}/${name}:${p.name ?? ""}/${protocol}`,
      namespace,
      name,
      protocol,
      clusterIPs,
      port: p.port,
      nodePort: spec.type === "NodePort" || spec.type === "LoadBalancer" ? (p.nodePort ?? 0) : 0,
      loadBalancerIPs: lbIPs,
      clusterEndpoints: spec.internalTrafficPolicy === "Local" ? localOnly : all,
      externalEndpoints: externalLocal ? localOnly : all,
      affinitySeconds:
        spec.sessionAffinity === "ClientIP"
          ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800)
          : 0,
      externalLocal,
    });
  }
  return out;
}
