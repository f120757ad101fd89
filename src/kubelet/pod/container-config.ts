// The CRI container config of one container: command and args with $(VAR) expansion, env,
// mounts, resources (cpu shares/quota, memory limit, OOM score by QoS class) and the effective
// security context (container fields over the pod's); labels tie it back to its pod.
import type { Container, Pod, SecurityContext } from "kubernetes-types/core/v1.js";
import { podQosClass } from "../../api/core/pod.ts";
import { Quantity } from "../../api/quantity.ts";
import type {
  ContainerConfig,
  KeyValue,
  LinuxContainerResources,
  LinuxContainerSecurityContext,
  Mount,
} from "../runtime/runtime.ts";
import { expandWith } from "./expansion.ts";
import { ContainerConfigError } from "./fieldref.ts";
import { containerNameLabel, podNameLabel, podNamespaceLabel, podUidLabel } from "./sandbox-config.ts";

export const containerHashAnnotation = "io.kubernetes.container.hash";
export const restartCountAnnotation = "io.kubernetes.container.restartCount";

const cpuPeriod = 100_000;

const milli = (v: string | number | undefined): bigint | undefined =>
  v === undefined ? undefined : Quantity.parse(String(v)).milliValue();
const bytes = (v: string | number | undefined): bigint | undefined =>
  v === undefined ? undefined : Quantity.parse(String(v)).value();

/** kubelet's container resources: shares from the cpu request, quota from its limit, memory limit. */
export function containerResources(
  pod: Pod,
  c: Container,
  memoryCapacityBytes: number,
): LinuxContainerResources {
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const cpuRequest = milli(requests.cpu ?? limits.cpu) ?? 0n;
  const cpuLimit = milli(limits.cpu);
  const memLimit = bytes(limits.memory);
  const out: LinuxContainerResources = {
    cpuShares: Math.max(2, Number((cpuRequest * 1024n) / 1000n)),
    cpuPeriod,
    oomScoreAdj: oomScoreAdj(pod, c, memoryCapacityBytes),
  };
  if (cpuLimit !== undefined && cpuLimit > 0n)
    out.cpuQuota = Math.max(1000, Number((cpuLimit * BigInt(cpuPeriod)) / 1000n));
  if (memLimit !== undefined && memLimit > 0n) out.memoryLimitInBytes = Number(memLimit);
  return out;
}

/** Guaranteed -997, BestEffort 1000, Burstable scaled by the memory request (backends clamp to >= 0). */
export function oomScoreAdj(pod: Pod, c: Container, memoryCapacityBytes: number): number {
  const qos = pod.status?.qosClass ?? podQosClass(pod.spec);
  if (qos === "Guaranteed") return -997;
  if (qos === "BestEffort") return 1000;
  const request = Number(bytes(c.resources?.requests?.memory) ?? 0n);
  if (memoryCapacityBytes <= 0) return 999;
  const adj = Math.floor(1000 - (1000 * request) / memoryCapacityBytes);
  return Math.min(999, Math.max(2, adj));
}

const defaultMaskedPaths = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
];
const defaultReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

export function containerSecurity(pod: Pod, c: Container): LinuxContainerSecurityContext {
  const psc = pod.spec?.securityContext ?? {};
  const sc: SecurityContext = c.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? psc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? psc.runAsGroup;
  const runAsNonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
  if (runAsNonRoot && runAsUser === 0) {
    throw new ContainerConfigError(
      `container's runAsUser breaks non-root policy (pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})", container: ${c.name})`,
    );
  }
  const groups = [...(psc.supplementalGroups ?? []), ...(psc.fsGroup !== undefined ? [psc.fsGroup] : [])];
  const privileged = sc.privileged === true;
  return {
    privileged,
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup } : {}),
    ...(groups.length > 0 ? { supplementalGroups: groups } : {}),
    readonlyRootfs: sc.readOnlyRootFilesystem === true,
    noNewPrivs: sc.allowPrivilegeEscalation === false,
    capabilities: {
      addCapabilities: sc.capabilities?.add ?? [],
      dropCapabilities: sc.capabilities?.drop ?? [],
    },
    namespaceOptions: {
      network: pod.spec?.hostNetwork ? "NODE" : "POD",
      pid: pod.spec?.hostPID ? "NODE" : pod.spec?.shareProcessNamespace ? "POD" : "CONTAINER",
      ipc: pod.spec?.hostIPC ? "NODE" : "POD",
    },
    maskedPaths: privileged ? [] : defaultMaskedPaths,
    readonlyPaths: privileged ? [] : defaultReadonlyPaths,
  };
}

/**
 * The kubelet's runAsNonRoot check against the image's user when the pod names no runAsUser
 * (kuberuntime's verifyRunAsNonRoot): an image without a user runs as root.
 */
export function verifyRunAsNonRoot(pod: Pod, c: Container, image: { uid?: number; username?: string }): void {
  const psc = pod.spec?.securityContext ?? {};
  const sc = c.securityContext ?? {};
  if (!(sc.runAsNonRoot ?? psc.runAsNonRoot)) return;
  if ((sc.runAsUser ?? psc.runAsUser) !== undefined) return; // containerSecurity checked it
  const ref = `pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})", container: ${c.name}`;
  if (image.uid === undefined && image.username) {
    throw new ContainerConfigError(
      `container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root (${ref})`,
    );
  }
  if ((image.uid ?? 0) === 0) {
    throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (${ref})`);
  }
}

/** A stable hash of the container spec: a changed spec means the container is replaced. */
export function containerHash(c: Container): string {
  const text = JSON.stringify(c);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

export interface ContainerConfigInput {
  pod: Pod;
  container: Container;
  /** The restart count this attempt will have. */
  attempt: number;
  /** Image reference as the runtime resolved it. */
  image: string;
  envs: KeyValue[];
  mounts: Mount[];
  memoryCapacityBytes: number;
  /** An ephemeral container's target: it joins that container's pid namespace. */
  targetContainerId?: string;
}

function withTarget(
  sc: LinuxContainerSecurityContext,
  targetId: string | undefined,
): LinuxContainerSecurityContext {
  if (!targetId || sc.namespaceOptions?.pid === "NODE") return sc;
  return { ...sc, namespaceOptions: { ...sc.namespaceOptions, pid: "TARGET", targetId } };
}

export function containerConfig(i: ContainerConfigInput): ContainerConfig {
  const { pod, container: c } = i;
  const env = new Map(i.envs.map((e) => [e.key, e.value]));
  const m = pod.metadata ?? {};
  return {
    metadata: { name: c.name, attempt: i.attempt },
    image: { image: i.image },
    ...(c.command ? { command: c.command.map((x) => expandWith(x, env)) } : {}),
    ...(c.args ? { args: c.args.map((x) => expandWith(x, env)) } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    envs: i.envs,
    mounts: i.mounts,
    logPath: `${c.name}/${i.attempt}.log`,
    stdin: c.stdin === true,
    stdinOnce: c.stdinOnce === true,
    tty: c.tty === true,
    labels: {
      [containerNameLabel]: c.name,
      [podNameLabel]: m.name ?? "",
      [podNamespaceLabel]: m.namespace ?? "",
      [podUidLabel]: m.uid ?? "",
    },
    annotations: {
      [containerHashAnnotation]: containerHash(c),
      [restartCountAnnotation]: String(i.attempt),
    },
    linux: {
      resources: containerResources(pod, c, i.memoryCapacityBytes),
      securityContext: withTarget(containerSecurity(pod, c), i.targetContainerId),
    },
  };
}
