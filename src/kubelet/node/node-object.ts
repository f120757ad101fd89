// The Node object a hollow kubelet registers (labels, taints, pod CIDR, capacity, conditions,
// nodeInfo, addresses) and the condition list it re-reports with fresh heartbeat times.
import type { Node, NodeCondition, Taint } from "kubernetes-types/core/v1.js";
import { rfc3339 } from "../status/container-status.ts";

export const kubeletVersion = "v1.32.0-skiff";
/** Every hollow node carries it, so they can be found (and cleaned up) as a group. */
export const hollowLabel = "sim.skiff.dev/hollow";

export interface NodeResources {
  /** Quantities as the API spells them: cpu "4", memory "16Gi", pods "110", ephemeral-storage "100Gi". */
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
}

export interface HollowNodeSpec {
  name: string;
  podCIDR: string;
  internalIP: string;
  resources: NodeResources;
  labels: Record<string, string>;
  taints: Taint[];
  runtimeVersion: string;
}

/** GOARCH names for Node.js's process.arch. */
export function goArch(arch: string = process.arch): string {
  return (
    (
      { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x" } as Record<
        string,
        string
      >
    )[arch] ?? arch
  );
}

/** Ready plus the three pressure conditions, all healthy, with the given heartbeat time. */
export function nodeConditions(heartbeat: number, transition: number): NodeCondition[] {
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: rfc3339(heartbeat),
    lastTransitionTime: rfc3339(transition),
  });
  return [
    c("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    c("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    c("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    c("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
  ];
}

/** A stable 32-hex id derived from the node name (machineID, systemUUID, bootID look real). */
function hexId(name: string, salt: string): string {
  let out = "";
  let h = 0x811c9dc5;
  for (let round = 0; round < 4; round++) {
    for (const ch of `${salt}/${round}/${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out;
}

export function buildNode(spec: HollowNodeSpec, now: number): Node {
  const arch = goArch();
  const r = spec.resources;
  const resources = { cpu: r.cpu, memory: r.memory, pods: r.pods, "ephemeral-storage": r.ephemeralStorage };
  const uuid = hexId(spec.name, "uuid");
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: spec.name,
      labels: {
        "beta.kubernetes.io/arch": arch,
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": arch,
        "kubernetes.io/hostname": spec.name,
        "kubernetes.io/os": "linux",
        [hollowLabel]: "true",
        ...spec.labels,
      },
      annotations: { "node.alpha.kubernetes.io/ttl": "0" },
    },
    spec: {
      podCIDR: spec.podCIDR,
      podCIDRs: [spec.podCIDR],
      ...(spec.taints.length > 0 ? { taints: spec.taints } : {}),
    },
    status: {
      capacity: { ...resources, "hugepages-1Gi": "0", "hugepages-2Mi": "0" },
      allocatable: { ...resources, "hugepages-1Gi": "0", "hugepages-2Mi": "0" },
      conditions: nodeConditions(now, now),
      addresses: [
        { type: "InternalIP", address: spec.internalIP },
        { type: "Hostname", address: spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hexId(spec.name, "machine"),
        systemUUID: `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`,
        bootID: hexId(spec.name, `boot-${now}`),
        kernelVersion: "6.1.0-skiff-hollow",
        osImage: "Skiff hollow node",
        containerRuntimeVersion: spec.runtimeVersion,
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        operatingSystem: "linux",
        architecture: arch,
      },
    },
  };
}

/** `k=v,k2=v2` → labels; `{i}` in a value becomes the node's index (e.g. zone-{i}). */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) throw new Error(`invalid label "${part}": want key=value`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** `key[=value]:Effect,…` as `kubectl taint` spells them. */
export function parseTaints(text: string): Taint[] {
  const out: Taint[] = [];
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(part.trim());
    if (!m?.[1] || !m[3])
      throw new Error(`invalid taint "${part}": want key[=value]:NoSchedule|PreferNoSchedule|NoExecute`);
    out.push({ key: m[1], ...(m[2] ? { value: m[2] } : {}), effect: m[3] });
  }
  return out;
}

/** Label values with `{i}` replaced by the index, `{i%K}` by the index modulo K. */
export function labelsForIndex(labels: Record<string, string>, index: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    out[k] = v.replace(/\{i(?:%(\d+))?\}/g, (_, mod: string | undefined) =>
      String(mod ? index % Number(mod) : index),
    );
  }
  return out;
}
