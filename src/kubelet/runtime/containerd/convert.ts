// Runtime interface values ↔ CRI messages. Requests are built in protobufjs object form (camelCase,
// enums by name); answers arrive as decoded by CriClient. Timestamps: CRI nanoseconds ↔ epoch ms.
import type {
  ContainerConfig,
  ContainerStatus,
  LinuxContainerResources,
  LinuxContainerSecurityContext,
  LinuxSandboxSecurityContext,
  PodSandboxConfig,
  PodSandboxStatus,
} from "../runtime.ts";
import {
  type CriContainer,
  type CriContainerStatus,
  type CriPodSandbox,
  type CriPodSandboxStatus,
  nanosToMillis,
} from "./cri-types.ts";

type Message = Record<string, unknown>;

function int64Value(value: number | undefined): Message | undefined {
  return value === undefined ? undefined : { value };
}

function sandboxSecurity(sc: LinuxSandboxSecurityContext | undefined): Message | undefined {
  if (!sc) return undefined;
  return {
    namespaceOptions: sc.namespaceOptions,
    runAsUser: int64Value(sc.runAsUser),
    runAsGroup: int64Value(sc.runAsGroup),
    supplementalGroups: sc.supplementalGroups,
    readonlyRootfs: sc.readonlyRootfs,
    privileged: sc.privileged,
  };
}

export function criSandboxConfig(config: PodSandboxConfig): Message {
  return {
    metadata: config.metadata,
    hostname: config.hostname ?? "",
    logDirectory: config.logDirectory ?? "",
    dnsConfig: config.dnsConfig,
    portMappings: config.portMappings?.map((p) => ({
      protocol: p.protocol,
      containerPort: p.containerPort,
      hostPort: p.hostPort,
      hostIp: p.hostIp ?? "",
    })),
    labels: config.labels ?? {},
    annotations: config.annotations ?? {},
    linux: {
      cgroupParent: config.linux?.cgroupParent ?? "",
      securityContext: sandboxSecurity(config.linux?.securityContext),
      sysctls: config.linux?.sysctls ?? {},
    },
  };
}

function resources(r: LinuxContainerResources | undefined): Message | undefined {
  if (!r) return undefined;
  return {
    cpuPeriod: r.cpuPeriod ?? 0,
    cpuQuota: r.cpuQuota ?? 0,
    cpuShares: r.cpuShares ?? 0,
    memoryLimitInBytes: r.memoryLimitInBytes ?? 0,
    // A negative score needs CAP_SYS_RESOURCE, which root lacks on these machines (RUNTIME.md).
    oomScoreAdj: Math.max(0, r.oomScoreAdj ?? 0),
    cpusetCpus: r.cpusetCpus ?? "",
    // No pids.max here: CRI has it only in cgroup v2's `unified`, which runc refuses on v1 hosts;
    // the runtime writes it into the container's cgroup after start instead.
  };
}

function containerSecurity(sc: LinuxContainerSecurityContext | undefined): Message | undefined {
  if (!sc) return undefined;
  return {
    capabilities: sc.capabilities,
    privileged: sc.privileged ?? false,
    namespaceOptions: sc.namespaceOptions,
    runAsUser: int64Value(sc.runAsUser),
    runAsGroup: int64Value(sc.runAsGroup),
    runAsUsername: sc.runAsUsername ?? "",
    readonlyRootfs: sc.readonlyRootfs ?? false,
    supplementalGroups: sc.supplementalGroups,
    noNewPrivs: sc.noNewPrivs ?? false,
    maskedPaths: sc.maskedPaths,
    readonlyPaths: sc.readonlyPaths,
  };
}

export function criContainerConfig(config: ContainerConfig): Message {
  return {
    metadata: config.metadata,
    image: { image: config.image.image },
    command: config.command,
    args: config.args,
    workingDir: config.workingDir ?? "",
    envs: config.envs,
    mounts: config.mounts?.map((m) => ({
      containerPath: m.containerPath,
      hostPath: m.hostPath,
      readonly: m.readonly ?? false,
      propagation: m.propagation ?? "PROPAGATION_PRIVATE",
    })),
    labels: config.labels ?? {},
    annotations: config.annotations ?? {},
    logPath: config.logPath ?? "",
    stdin: config.stdin ?? false,
    stdinOnce: config.stdinOnce ?? false,
    tty: config.tty ?? false,
    linux: {
      resources: resources(config.linux?.resources),
      securityContext: containerSecurity(config.linux?.securityContext),
    },
  };
}

export function sandboxFromCri(s: CriPodSandbox | CriPodSandboxStatus): PodSandboxStatus {
  const network = "network" in s && s.network ? s.network : undefined;
  return {
    id: s.id,
    metadata: {
      name: s.metadata?.name ?? "",
      namespace: s.metadata?.namespace ?? "",
      uid: s.metadata?.uid ?? "",
      attempt: s.metadata?.attempt ?? 0,
    },
    state: s.state,
    createdAt: nanosToMillis(s.createdAt),
    network: { ip: network?.ip ?? "", additionalIps: network?.additionalIps.map((p) => p.ip) ?? [] },
    labels: s.labels,
    annotations: s.annotations,
  };
}

/** CRI's reason is empty for a plain exit; the kubelet shows Completed or Error like Kubernetes. */
function reasonOf(s: CriContainerStatus): string {
  if (s.reason) return s.reason;
  if (s.state !== "CONTAINER_EXITED") return "";
  return s.exitCode === 0 ? "Completed" : "Error";
}

export function containerStatusFromCri(s: CriContainerStatus, podSandboxId: string): ContainerStatus {
  return {
    id: s.id,
    podSandboxId,
    metadata: { name: s.metadata?.name ?? "", attempt: s.metadata?.attempt ?? 0 },
    state: s.state,
    createdAt: nanosToMillis(s.createdAt),
    startedAt: nanosToMillis(s.startedAt),
    finishedAt: nanosToMillis(s.finishedAt),
    exitCode: s.exitCode,
    image: { image: s.image?.image ?? "" },
    imageRef: s.imageRef,
    reason: reasonOf(s),
    message: s.message,
    labels: s.labels,
    annotations: s.annotations,
    logPath: s.logPath,
  };
}

/** A listed container as a status (ListContainers carries no times beyond creation, nor exit codes). */
export function containerFromCri(c: CriContainer): ContainerStatus {
  return {
    id: c.id,
    podSandboxId: c.podSandboxId,
    metadata: { name: c.metadata?.name ?? "", attempt: c.metadata?.attempt ?? 0 },
    state: c.state,
    createdAt: nanosToMillis(c.createdAt),
    startedAt: 0,
    finishedAt: 0,
    exitCode: 0,
    image: { image: c.image?.image ?? "" },
    imageRef: c.imageRef,
    reason: "",
    message: "",
    labels: c.labels,
    annotations: c.annotations,
  };
}
