// Service ClusterIP and NodePort allocation as an admission plugin. Allocations are derived
// from the stored Services (so restarts are safe) plus a short-lived in-memory reservation that
// covers the gap between admission and the write of concurrent creates. Only writes that
// allocate or claim an address or port read the Services; the others (most updates) do not.
import { InvalidError } from "../../api/errors.ts";
import { type FieldError, fieldErrors } from "../../api/field.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.ts";
import type { ObjectSource } from "../rest/source.ts";
import { cidrContains, type Ipv4Cidr, ipToNumber, nthAddress, numberToIp } from "./cidr.ts";

export interface ServiceAllocatorOptions {
  source: ObjectSource;
  serviceCidr: Ipv4Cidr;
  /** Default 30000-32767. */
  nodePortRange?: { min: number; max: number };
  /** Addresses only handed out when asked for by name (default: .1 and .10). */
  reservedOffsets?: number[];
}

interface ServicePort {
  port?: number;
  nodePort?: number;
  [k: string]: unknown;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  [k: string]: unknown;
}

const reservationMs = 30_000;

/** Whether admitting `spec` (after `old`) allocates or claims anything, i.e. needs what is in use. */
export function claimsSomething(spec: ServiceSpec, old: ServiceSpec): boolean {
  const type = spec.type ?? "ClusterIP";
  if (type !== "ExternalName") {
    // As admit() settles it: the given address, else the allocated one carried over.
    const wanted = spec.clusterIP || old.clusterIP || spec.clusterIPs?.[0] || "";
    if (wanted === "" || (wanted !== "None" && wanted !== old.clusterIP)) return true;
  }
  if (type !== "NodePort" && type !== "LoadBalancer") return false;
  const oldPorts = new Set((old.ports ?? []).map((p) => p.nodePort));
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  return ports.some((p) => isPlainObject(p) && (!p.nodePort || !oldPorts.has(p.nodePort)));
}

export function createServiceAllocator(options: ServiceAllocatorOptions): AdmissionPlugin {
  const range = options.nodePortRange ?? { min: 30000, max: 32767 };
  const reservedOffsets = options.reservedOffsets ?? [1, 10];
  const pendingIps = new Map<string, number>();
  const pendingPorts = new Map<number, number>();

  const inUse = async (attrs: AdmissionAttributes) => {
    const ips = new Set<string>();
    const ports = new Set<number>();
    const page = await options.source.list(attrs.def, {});
    for (const svc of page.items) {
      if (svc.metadata?.uid && svc.metadata.uid === attrs.oldObject?.metadata?.uid) continue;
      const spec = (svc.spec ?? {}) as ServiceSpec;
      for (const ip of [spec.clusterIP, ...(spec.clusterIPs ?? [])]) if (ip && ip !== "None") ips.add(ip);
      for (const p of spec.ports ?? []) if (typeof p.nodePort === "number") ports.add(p.nodePort);
    }
    const now = Date.now();
    for (const [ip, t] of pendingIps)
      if (now - t > reservationMs) pendingIps.delete(ip);
      else ips.add(ip);
    for (const [port, t] of pendingPorts)
      if (now - t > reservationMs) pendingPorts.delete(port);
      else ports.add(port);
    return { ips, ports };
  };

  const pickIp = (used: Set<string>): string | undefined => {
    const cidr = options.serviceCidr;
    const reserved = new Set(reservedOffsets.map((o) => nthAddress(cidr, o)));
    const first = cidr.base + 1;
    const count = cidr.size - 2;
    const start = Math.floor(Math.random() * count);
    for (let i = 0; i < count; i++) {
      const ip = numberToIp(first + ((start + i) % count));
      if (!used.has(ip) && !reserved.has(ip)) return ip;
    }
    return undefined;
  };

  const pickPort = (used: Set<number>): number | undefined => {
    const count = range.max - range.min + 1;
    const start = Math.floor(Math.random() * count);
    for (let i = 0; i < count; i++) {
      const port = range.min + ((start + i) % count);
      if (!used.has(port)) return port;
    }
    return undefined;
  };

  return {
    name: "ServiceAllocator",
    async admit(attrs) {
      if (attrs.def.group !== "" || attrs.def.resource !== "services" || attrs.subresource !== "") return;
      if (attrs.operation !== "CREATE" && attrs.operation !== "UPDATE") return;
      const obj = attrs.object as KubeObject;
      if (!isPlainObject(obj.spec)) obj.spec = {};
      const spec = obj.spec as ServiceSpec;
      const old = (attrs.oldObject?.spec ?? {}) as ServiceSpec;
      const type = spec.type ?? "ClusterIP";
      const errs: FieldError[] = [];
      const { ips, ports } = claimsSomething(spec, old)
        ? await inUse(attrs)
        : { ips: new Set<string>(), ports: new Set<number>() };

      if (type === "ExternalName") {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      } else {
        if (!spec.clusterIP && old.clusterIP) {
          // Clients may omit the allocated address on update (e.g. a PUT of an edited manifest).
          spec.clusterIP = old.clusterIP;
          spec.clusterIPs = old.clusterIPs ?? [old.clusterIP];
        }
        const wanted = spec.clusterIP || spec.clusterIPs?.[0] || "";
        if (wanted === "None") {
          spec.clusterIP = "None";
          spec.clusterIPs = ["None"];
        } else if (wanted === "") {
          const ip = pickIp(ips);
          if (!ip)
            errs.push(fieldErrors.invalid("spec.clusterIPs", [], "failed to allocate IP: range is full"));
          else {
            spec.clusterIP = ip;
            spec.clusterIPs = [ip];
            if (!attrs.dryRun) pendingIps.set(ip, Date.now());
          }
        } else if (wanted !== old.clusterIP) {
          const n = ipToNumber(wanted);
          if (n === undefined || !cidrContains(options.serviceCidr, n)) {
            errs.push(
              fieldErrors.invalid(
                "spec.clusterIPs",
                [wanted],
                `failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${options.serviceCidr.text}`,
              ),
            );
          } else if (ips.has(wanted)) {
            errs.push(
              fieldErrors.invalid(
                "spec.clusterIPs",
                [wanted],
                `failed to allocate IP ${wanted}: provided IP is already allocated`,
              ),
            );
          } else {
            spec.clusterIP = wanted;
            spec.clusterIPs = [wanted];
            if (!attrs.dryRun) pendingIps.set(wanted, Date.now());
          }
        }
        if (spec.clusterIP !== "None") {
          spec.ipFamilies ??= ["IPv4"];
          spec.ipFamilyPolicy ??= "SingleStack";
        }
      }

      const needsNodePorts = type === "NodePort" || type === "LoadBalancer";
      const oldPorts = new Set(
        (old.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === "number"),
      );
      (Array.isArray(spec.ports) ? spec.ports : []).forEach((p, i) => {
        if (!isPlainObject(p)) return;
        if (!needsNodePorts) {
          delete p.nodePort;
          return;
        }
        if (p.nodePort === undefined || p.nodePort === 0) {
          const port = pickPort(ports);
          if (port === undefined)
            errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, 0, "range is full"));
          else {
            p.nodePort = port;
            ports.add(port);
            if (!attrs.dryRun) pendingPorts.set(port, Date.now());
          }
        } else if (!oldPorts.has(p.nodePort)) {
          if (typeof p.nodePort !== "number" || p.nodePort < range.min || p.nodePort > range.max) {
            errs.push(
              fieldErrors.invalid(
                `spec.ports[${i}].nodePort`,
                p.nodePort,
                `provided port is not in the valid range. The range of valid ports is ${range.min}-${range.max}`,
              ),
            );
          } else if (ports.has(p.nodePort)) {
            errs.push(
              fieldErrors.invalid(
                `spec.ports[${i}].nodePort`,
                p.nodePort,
                "provided port is already allocated",
              ),
            );
          } else {
            ports.add(p.nodePort);
            if (!attrs.dryRun) pendingPorts.set(p.nodePort, Date.now());
          }
        }
      });
      if (errs.length > 0) throw new InvalidError("", "Service", obj.metadata?.name ?? "", errs);
    },
  };
}
