// The Node object a real agent registers — capacity and nodeInfo from the host, allocatable
// after the kubelet's default hard-eviction reserves — and its conditions from the runtime's
// health and the host's memory, disk and PID pressure.
import type { Node, NodeCondition, Taint } from "kubernetes-types/core/v1.js";
import {
  defaultEvictionHard,
  type EvictionThreshold,
  parseEvictionThresholds,
  thresholdsMet,
} from "../eviction/thresholds.ts";
import type { RuntimeStatus } from "../runtime/runtime.ts";
import { rfc3339 } from "../status/container-status.ts";
import type { HostCapacity, HostInfo, HostPressure } from "./host.ts";
import { goArch, kubeletVersion } from "./node-object.ts";

const defaultThresholds = parseEvictionThresholds(defaultEvictionHard);
/** Allocatable keeps back the default hard thresholds: memory.available<100Mi, nodefs.available<10%. */
const memoryEvictionBytes = 100 * 1024 * 1024;
const diskEvictionFraction = 0.1;

export interface AgentNodeSpec {
  name: string;
  capacity: HostCapacity;
  info: HostInfo;
  /** `<runtimeName>://<version>`. */
  runtimeVersion: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Port of the kubelet server advertised in daemonEndpoints (default 10250). */
  kubeletPort?: number;
}

export function buildAgentNode(spec: AgentNodeSpec, conditions: NodeCondition[]): Node {
  const arch = goArch();
  const c = spec.capacity;
  const memKi = Math.floor(c.memoryBytes / 1024);
  const storageKi = Math.floor(c.ephemeralStorageBytes / 1024);
  const capacity = {
    cpu: String(c.cpu),
    memory: `${memKi}Ki`,
    pods: String(c.pods),
    "ephemeral-storage": `${storageKi}Ki`,
    "hugepages-1Gi": "0",
    "hugepages-2Mi": "0",
  };
  const allocatable = {
    ...capacity,
    memory: `${Math.max(0, memKi - memoryEvictionBytes / 1024)}Ki`,
    "ephemeral-storage": String(Math.floor(c.ephemeralStorageBytes * (1 - diskEvictionFraction))),
  };
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
        ...spec.labels,
      },
      annotations: { "node.alpha.kubernetes.io/ttl": "0" },
    },
    spec: { ...(spec.taints && spec.taints.length > 0 ? { taints: spec.taints } : {}) },
    status: {
      capacity,
      allocatable,
      conditions,
      addresses: [
        { type: "InternalIP", address: spec.info.internalIP },
        { type: "Hostname", address: spec.info.hostname },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: spec.kubeletPort ?? 10250 } },
      nodeInfo: {
        machineID: spec.info.machineID,
        systemUUID: spec.info.systemUUID,
        bootID: spec.info.bootID,
        kernelVersion: spec.info.kernelVersion,
        osImage: spec.info.osImage,
        containerRuntimeVersion: spec.runtimeVersion,
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        operatingSystem: "linux",
        architecture: arch,
      },
    },
  };
}

export interface NodeHealth {
  runtime: RuntimeStatus;
  pressure: HostPressure;
}

/** The Ready message the kubelet gives when the runtime or its network is not ready. */
export function runtimeNotReadyMessage(s: RuntimeStatus): string | undefined {
  const why = s.message ? ` message:${s.message}` : "";
  if (!s.runtimeReady) return `container runtime is down: RuntimeReady=false${why}`;
  if (!s.networkReady)
    return `container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady${why}`;
  return undefined;
}

type Generated = Omit<NodeCondition, "lastHeartbeatTime" | "lastTransitionTime">;

export function healthConditions(
  h: NodeHealth,
  thresholds: readonly EvictionThreshold[] = defaultThresholds,
): Generated[] {
  const under = new Set(thresholdsMet(thresholds, h.pressure).map((m) => m.resource));
  const memory = under.has("memory");
  const disk = under.has("disk");
  const pid = under.has("pid");
  const notReady = runtimeNotReadyMessage(h.runtime);
  return [
    memory
      ? {
          type: "MemoryPressure",
          status: "True",
          reason: "KubeletHasInsufficientMemory",
          message: "kubelet has insufficient memory available",
        }
      : {
          type: "MemoryPressure",
          status: "False",
          reason: "KubeletHasSufficientMemory",
          message: "kubelet has sufficient memory available",
        },
    disk
      ? {
          type: "DiskPressure",
          status: "True",
          reason: "KubeletHasDiskPressure",
          message: "kubelet has disk pressure",
        }
      : {
          type: "DiskPressure",
          status: "False",
          reason: "KubeletHasNoDiskPressure",
          message: "kubelet has no disk pressure",
        },
    pid
      ? {
          type: "PIDPressure",
          status: "True",
          reason: "KubeletHasInsufficientPID",
          message: "kubelet has insufficient PID available",
        }
      : {
          type: "PIDPressure",
          status: "False",
          reason: "KubeletHasSufficientPID",
          message: "kubelet has sufficient PID available",
        },
    notReady
      ? { type: "Ready", status: "False", reason: "KubeletNotReady", message: notReady }
      : { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
  ];
}

/** Conditions with this heartbeat time; transition times kept from `previous` when the status is unchanged. */
export function nodeConditionsAt(
  generated: Generated[],
  previous: NodeCondition[] | undefined,
  now: number,
): NodeCondition[] {
  return generated.map((g) => {
    const prev = previous?.find((c) => c.type === g.type);
    const transition = prev && prev.status === g.status && prev.lastTransitionTime;
    return {
      ...g,
      lastHeartbeatTime: rfc3339(now),
      lastTransitionTime: transition ? (prev.lastTransitionTime as string) : rfc3339(now),
    };
  });
}

/** Whether two condition lists differ in anything but heartbeat times (worth a status patch now). */
export function conditionsChanged(a: NodeCondition[] | undefined, b: NodeCondition[]): boolean {
  const strip = (l: NodeCondition[] | undefined) =>
    JSON.stringify((l ?? []).map((c) => [c.type, c.status, c.reason, c.message]).sort());
  return strip(a) !== strip(b);
}
