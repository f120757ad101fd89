// The CRI sandbox config of a pod: hostname, DNS per dnsPolicy (cluster search path, ndots:5,
// the cluster DNS address), hostPort mappings, the cgroup parent of its QoS class, namespaces
// and the pod-level security context; labels tie the sandbox back to the pod across restarts.
import type { Pod, PodSecurityContext } from "kubernetes-types/core/v1.js";
import { podQosClass } from "../../api/core/pod.ts";
import type {
  DnsConfig,
  LinuxSandboxSecurityContext,
  PodSandboxConfig,
  PortMapping,
} from "../runtime/runtime.ts";

export const podNameLabel = "io.kubernetes.pod.name";
export const podNamespaceLabel = "io.kubernetes.pod.namespace";
export const podUidLabel = "io.kubernetes.pod.uid";
export const containerNameLabel = "io.kubernetes.container.name";

export interface SandboxOptions {
  clusterDomain: string;
  /** Cluster DNS server (10th IP of the service CIDR); absent: ClusterFirst falls back to the host's. */
  clusterDNS?: string;
  /** The host's resolv.conf (dnsPolicy Default, and ClusterFirst without a cluster DNS). */
  hostDNS: DnsConfig;
  /** Root of pod log directories (`<root>/<ns>_<name>_<uid>`). */
  podLogsRoot: string;
  /** cgroupfs root of the pod hierarchy (default `/skiff/kubepods`). */
  cgroupRoot?: string;
}

/** resolv.conf → servers, searches, options. */
export function parseResolvConf(text: string): DnsConfig {
  const out: DnsConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split("\n")) {
    const [key, ...rest] = raw
      .replace(/[#;].*/, "")
      .trim()
      .split(/\s+/);
    if (key === "nameserver" && rest[0]) out.servers.push(rest[0]);
    else if (key === "search" || key === "domain") out.searches = rest;
    else if (key === "options") out.options.push(...rest);
  }
  return out;
}

/** The cgroup parent of a pod: Guaranteed pods directly under the root, others under their class. */
export function podCgroupParent(pod: Pod, root = "/skiff/kubepods"): string {
  const qos = pod.status?.qosClass ?? podQosClass(pod.spec);
  const uid = pod.metadata?.uid ?? "";
  return qos === "Guaranteed" ? `${root}/pod${uid}` : `${root}/${qos.toLowerCase()}/pod${uid}`;
}

function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(o.split(":")[0] ?? o, o);
  for (const o of extra) {
    if (!o.name) continue;
    byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  }
  return [...byName.values()];
}

export function podDnsConfig(pod: Pod, o: SandboxOptions): DnsConfig {
  const spec = pod.spec;
  const policy = spec?.dnsPolicy ?? "ClusterFirst";
  const ns = pod.metadata?.namespace ?? "default";
  const d = o.clusterDomain;
  let base: DnsConfig;
  const cluster =
    o.clusterDNS !== undefined &&
    (policy === "ClusterFirstWithHostNet" || (policy === "ClusterFirst" && !spec?.hostNetwork));
  if (policy === "None") base = { servers: [], searches: [], options: [] };
  else if (cluster) {
    base = {
      servers: [o.clusterDNS as string],
      searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...o.hostDNS.searches].slice(0, 32),
      options: ["ndots:5"],
    };
  } else base = { ...o.hostDNS, servers: [...o.hostDNS.servers], searches: [...o.hostDNS.searches] };
  const extra = spec?.dnsConfig;
  if (!extra) return base;
  return {
    servers: [...base.servers, ...(extra.nameservers ?? [])].slice(0, 3),
    searches: [...new Set([...base.searches, ...(extra.searches ?? [])])],
    options: mergeOptions(base.options, extra.options ?? []),
  };
}

export function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({
        protocol: (p.protocol ?? "TCP") as PortMapping["protocol"],
        containerPort: p.containerPort,
        hostPort: p.hostPort,
        ...(p.hostIP ? { hostIp: p.hostIP } : {}),
      });
    }
  }
  return out;
}

function sandboxSecurity(pod: Pod): LinuxSandboxSecurityContext {
  const spec = pod.spec;
  const sc: PodSecurityContext = spec?.securityContext ?? {};
  const groups = [...(sc.supplementalGroups ?? []), ...(sc.fsGroup !== undefined ? [sc.fsGroup] : [])];
  return {
    namespaceOptions: {
      network: spec?.hostNetwork ? "NODE" : "POD",
      pid: spec?.hostPID ? "NODE" : spec?.shareProcessNamespace ? "POD" : "CONTAINER",
      ipc: spec?.hostIPC ? "NODE" : "POD",
    },
    ...(sc.runAsUser !== undefined ? { runAsUser: sc.runAsUser } : {}),
    ...(sc.runAsGroup !== undefined ? { runAsGroup: sc.runAsGroup } : {}),
    ...(groups.length > 0 ? { supplementalGroups: groups } : {}),
  };
}

/** The pod's hostname: spec.hostname or the name, cut to 63 characters without a trailing dot or dash. */
export function podHostname(pod: Pod): string {
  const name = pod.spec?.hostname ?? pod.metadata?.name ?? "";
  return name.slice(0, 63).replace(/[-.]+$/, "");
}

export function podLogDirectory(pod: Pod, root: string): string {
  const m = pod.metadata ?? {};
  return `${root}/${m.namespace}_${m.name}_${m.uid}`;
}

export function sandboxConfig(pod: Pod, attempt: number, o: SandboxOptions): PodSandboxConfig {
  const m = pod.metadata ?? {};
  const sysctls = Object.fromEntries(
    (pod.spec?.securityContext?.sysctls ?? []).map((s) => [s.name, s.value] as const),
  );
  return {
    metadata: { name: m.name ?? "", namespace: m.namespace ?? "", uid: m.uid ?? "", attempt },
    hostname: podHostname(pod),
    labels: {
      ...m.labels,
      [podNameLabel]: m.name ?? "",
      [podNamespaceLabel]: m.namespace ?? "",
      [podUidLabel]: m.uid ?? "",
    },
    annotations: { ...m.annotations },
    logDirectory: podLogDirectory(pod, o.podLogsRoot),
    dnsConfig: podDnsConfig(pod, o),
    portMappings: portMappings(pod),
    linux: {
      cgroupParent: podCgroupParent(pod, o.cgroupRoot),
      securityContext: sandboxSecurity(pod),
      ...(Object.keys(sysctls).length > 0 ? { sysctls } : {}),
    },
  };
}
