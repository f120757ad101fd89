// The cluster's DNS records, kept from Services and EndpointSlices like CoreDNS's kubernetes
// plugin (https://github.com/kubernetes/dns/blob/master/docs/specification.md):
//   <svc>.<ns>.svc.<domain>            A: the ClusterIP; headless: the ready endpoints' IPs
//   <host>.<svc>.<ns>.svc.<domain>     A: an endpoint with a hostname (StatefulSet pods)
//   _<port>._<proto>.<svc>.<ns>.svc... SRV per named port (headless: one per endpoint)
//   <a-b-c-d>.<ns>.pod.<domain>        A: a.b.c.d ("pods insecure", k3s's default)
//   ExternalName services answer a CNAME; reverse (PTR) names for service and endpoint IPs.
// lookup() answers with authority for the cluster domain and returns undefined for other names.
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { type Answer, type Question, RCode, type ResourceRecord, RType } from "./message.ts";

export interface ClusterRecordsOptions {
  /** Default cluster.local. */
  domain?: string;
  /** Seconds (CoreDNS's kubernetes plugin default: 5). */
  ttl?: number;
}

interface ServiceInfo {
  clusterIPs: string[];
  headless: boolean;
  externalName: string | undefined;
  ports: { name: string; protocol: string; port: number }[];
  publishNotReady: boolean;
}

interface SliceEndpoint {
  addresses: string[];
  hostname: string | undefined;
  ready: boolean;
}

interface SliceInfo {
  ports: { name: string; protocol: string; port: number }[];
  endpoints: SliceEndpoint[];
}

const serviceNameLabel = "kubernetes.io/service-name";

function isIPv4(a: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(a);
}

export class ClusterRecords {
  readonly domain: string;
  private readonly ttl: number;
  private readonly services = new Map<string, ServiceInfo>();
  /** `${ns}/${service}` → slice name → endpoints. */
  private readonly slices = new Map<string, Map<string, SliceInfo>>();
  private readonly namespaces = new Map<string, number>();
  /** Bumped on every change, so answer caches know when to drop what they hold. */
  generation = 0;

  constructor(options: ClusterRecordsOptions = {}) {
    this.domain = (options.domain ?? "cluster.local").toLowerCase().replace(/\.$/, "");
    this.ttl = options.ttl ?? 5;
  }

  upsertService(svc: Service): void {
    this.generation++;
    const ns = svc.metadata?.namespace ?? "default";
    const name = svc.metadata?.name ?? "";
    const key = `${ns}/${name}`;
    if (!this.services.has(key)) this.namespaces.set(ns, (this.namespaces.get(ns) ?? 0) + 1);
    const spec = svc.spec ?? {};
    const ips = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip !== "None");
    this.services.set(key, {
      clusterIPs: ips,
      headless: spec.type !== "ExternalName" && (spec.clusterIP === "None" || ips.length === 0),
      externalName:
        spec.type === "ExternalName" ? spec.externalName?.toLowerCase().replace(/\.$/, "") : undefined,
      ports: (spec.ports ?? []).map((p) => ({
        name: p.name ?? "",
        protocol: p.protocol ?? "TCP",
        port: p.port,
      })),
      publishNotReady: spec.publishNotReadyAddresses === true,
    });
  }

  deleteService(namespace: string, name: string): void {
    this.generation++;
    if (!this.services.delete(`${namespace}/${name}`)) return;
    const n = (this.namespaces.get(namespace) ?? 1) - 1;
    if (n <= 0) this.namespaces.delete(namespace);
    else this.namespaces.set(namespace, n);
  }

  upsertSlice(slice: EndpointSlice): void {
    this.generation++;
    const ns = slice.metadata?.namespace ?? "default";
    const name = slice.metadata?.name ?? "";
    const service = slice.metadata?.labels?.[serviceNameLabel];
    this.deleteSlice(ns, name);
    if (!service) return;
    const key = `${ns}/${service}`;
    let bySlice = this.slices.get(key);
    if (!bySlice) {
      bySlice = new Map();
      this.slices.set(key, bySlice);
    }
    bySlice.set(name, {
      ports: (slice.ports ?? []).map((p) => ({
        name: p.name ?? "",
        protocol: p.protocol ?? "TCP",
        port: p.port ?? 0,
      })),
      endpoints: (slice.endpoints ?? []).map((e) => ({
        addresses: e.addresses,
        hostname: e.hostname?.toLowerCase(),
        ready: e.conditions?.ready !== false,
      })),
    });
  }

  deleteSlice(namespace: string, name: string): void {
    this.generation++;
    for (const [key, bySlice] of this.slices) {
      if (!key.startsWith(`${namespace}/`)) continue;
      if (bySlice.delete(name) && bySlice.size === 0) this.slices.delete(key);
    }
  }

  private endpoints(ns: string, svc: string, info: ServiceInfo): { ep: SliceEndpoint; slice: SliceInfo }[] {
    const out: { ep: SliceEndpoint; slice: SliceInfo }[] = [];
    for (const slice of this.slices.get(`${ns}/${svc}`)?.values() ?? []) {
      for (const ep of slice.endpoints) if (ep.ready || info.publishNotReady) out.push({ ep, slice });
    }
    return out;
  }

  private a(name: string, address: string): ResourceRecord {
    return isIPv4(address)
      ? { name, ttl: this.ttl, data: { type: RType.A, address } }
      : { name, ttl: this.ttl, data: { type: RType.AAAA, address } };
  }

  private soa(): ResourceRecord {
    return {
      name: this.domain,
      ttl: this.ttl,
      data: {
        type: RType.SOA,
        mname: `ns.dns.${this.domain}`,
        rname: `hostmaster.${this.domain}`,
        serial: Math.floor(Date.now() / 1000),
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: this.ttl,
      },
    };
  }

  private result(rcode: RCode, answers: ResourceRecord[], additional: ResourceRecord[] = []): Answer {
    return {
      rcode,
      authoritative: true,
      answers,
      authority: answers.length === 0 ? [this.soa()] : [],
      additional,
    };
  }

  /** Keeps the records of the asked type (A/AAAA by address family; ANY keeps all). */
  private select(type: number, records: ResourceRecord[], additional: ResourceRecord[] = []): Answer {
    const answers = records.filter(
      (r) => type === RType.ANY || r.data.type === type || r.data.type === RType.CNAME,
    );
    return this.result(
      RCode.NoError,
      answers,
      answers.some((r) => r.data.type === RType.SRV) ? additional : [],
    );
  }

  lookup(q: Question): Answer | undefined {
    const name = q.name;
    if (name.endsWith(".in-addr.arpa")) return this.reverse(q);
    if (name !== this.domain && !name.endsWith(`.${this.domain}`)) return undefined;
    const labels = name === this.domain ? [] : name.slice(0, -this.domain.length - 1).split(".");
    const nx = this.result(RCode.NXDomain, []);
    const zone = labels[labels.length - 1];
    if (labels.length === 0 || (labels.length === 1 && (zone === "svc" || zone === "pod"))) {
      return this.select(q.type, []);
    }
    if (zone === "pod") {
      if (labels.length !== 3) return nx;
      const ip = (labels[0] ?? "").replaceAll("-", ".");
      if (!isIPv4(ip) || ip.split(".").some((o) => Number(o) > 255)) return nx;
      return this.select(q.type, [this.a(name, ip)]);
    }
    if (zone !== "svc") return nx;
    if (labels.length === 2) return this.namespaces.has(labels[0] ?? "") ? this.select(q.type, []) : nx;
    const ns = labels[labels.length - 2] ?? "";
    const svcName = labels[labels.length - 3] ?? "";
    const info = this.services.get(`${ns}/${svcName}`);
    if (!info) return nx;
    const svcFqdn = `${svcName}.${ns}.svc.${this.domain}`;
    if (labels.length === 3) return this.serviceRecords(q, info, ns, svcName, svcFqdn);
    if (labels.length === 4) {
      // <hostname>.<svc>: an endpoint named by hostname (or by its dashed IP) of a headless service.
      const host = labels[0] ?? "";
      const records = this.endpoints(ns, svcName, info)
        .filter(({ ep }) => ep.hostname === host || ep.addresses.some((a) => a.replaceAll(".", "-") === host))
        .flatMap(({ ep }) => ep.addresses.map((a) => this.a(name, a)));
      return records.length === 0 ? nx : this.select(q.type, records);
    }
    if (labels.length === 5 && labels[0]?.startsWith("_") && labels[1]?.startsWith("_")) {
      return this.srv(q, info, ns, svcName, svcFqdn, labels[0].slice(1), labels[1].slice(1));
    }
    return nx;
  }

  private serviceRecords(q: Question, info: ServiceInfo, ns: string, svc: string, fqdn: string): Answer {
    if (info.externalName !== undefined) {
      return this.select(q.type, [
        { name: fqdn, ttl: this.ttl, data: { type: RType.CNAME, target: info.externalName } },
      ]);
    }
    if (!info.headless)
      return this.select(
        q.type,
        info.clusterIPs.map((ip) => this.a(fqdn, ip)),
      );
    const seen = new Set<string>();
    const records: ResourceRecord[] = [];
    for (const { ep } of this.endpoints(ns, svc, info)) {
      for (const a of ep.addresses) {
        if (seen.has(a)) continue;
        seen.add(a);
        records.push(this.a(fqdn, a));
      }
    }
    if (q.type === RType.SRV) return this.srv(q, info, ns, svc, fqdn, undefined, undefined);
    return this.select(q.type, records);
  }

  /** SRV for a named port (`port`/`proto` given) or every named port (a query for the service). */
  private srv(
    q: Question,
    info: ServiceInfo,
    ns: string,
    svc: string,
    fqdn: string,
    port: string | undefined,
    proto: string | undefined,
  ): Answer {
    const matches = (p: { name: string; protocol: string }): boolean =>
      p.name !== "" &&
      (port === undefined || p.name.toLowerCase() === port) &&
      (proto === undefined || p.protocol.toLowerCase() === proto);
    const answers: ResourceRecord[] = [];
    const additional: ResourceRecord[] = [];
    if (!info.headless) {
      for (const p of info.ports.filter(matches)) {
        answers.push({
          name: q.name,
          ttl: this.ttl,
          data: { type: RType.SRV, priority: 0, weight: 100, port: p.port, target: fqdn },
        });
      }
      if (answers.length > 0) additional.push(...info.clusterIPs.map((ip) => this.a(fqdn, ip)));
    } else {
      for (const { ep, slice } of this.endpoints(ns, svc, info)) {
        for (const p of slice.ports.filter(matches)) {
          for (const a of ep.addresses) {
            const target = `${ep.hostname ?? a.replaceAll(".", "-")}.${fqdn}`;
            answers.push({
              name: q.name,
              ttl: this.ttl,
              data: { type: RType.SRV, priority: 0, weight: 100, port: p.port, target },
            });
            additional.push(this.a(target, a));
          }
        }
      }
    }
    if (port !== undefined && answers.length === 0) return this.result(RCode.NXDomain, []);
    return q.type === RType.SRV || q.type === RType.ANY
      ? this.result(RCode.NoError, answers, additional)
      : this.result(RCode.NoError, []);
  }

  /** PTR for a service's ClusterIP or a headless endpoint's IP; other addresses are not ours. */
  private reverse(q: Question): Answer | undefined {
    const octets = q.name.slice(0, -".in-addr.arpa".length).split(".").reverse();
    if (octets.length !== 4) return undefined;
    const ip = octets.join(".");
    for (const [key, info] of this.services) {
      const [ns, svc] = key.split("/") as [string, string];
      const fqdn = `${svc}.${ns}.svc.${this.domain}`;
      if (info.clusterIPs.includes(ip)) {
        return this.select(q.type, [
          { name: q.name, ttl: this.ttl, data: { type: RType.PTR, target: fqdn } },
        ]);
      }
      if (!info.headless) continue;
      for (const { ep } of this.endpoints(ns, svc, info)) {
        if (!ep.addresses.includes(ip)) continue;
        const target = `${ep.hostname ?? ip.replaceAll(".", "-")}.${fqdn}`;
        return this.select(q.type, [{ name: q.name, ttl: this.ttl, data: { type: RType.PTR, target } }]);
      }
    }
    return undefined;
  }
}
