// The pod status a kubelet reports, from the container statuses it observed: phase (kubelet's
// getPhase), the kubelet-owned conditions (status/generate.go) merged into the existing ones with
// transition times kept, IPs and start time. Pure: no runtime, no clock.
import type {
  Container,
  ContainerStatus,
  Pod,
  PodCondition,
  PodSpec,
  PodStatus,
} from "kubernetes-types/core/v1.js";

/** Conditions the kubelet owns; any other condition in the old status is kept as it is. */
export const kubeletConditions = [
  "PodReadyToStartContainers",
  "Initialized",
  "Ready",
  "ContainersReady",
  "PodScheduled",
] as const;

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface PodStatusInput {
  pod: Pod;
  hostIP: string;
  /** Absent before the sandbox has its network; host-network pods report the host IP. */
  podIP?: string;
  /** The sandbox exists with its network configured. */
  sandboxReady: boolean;
  /** RFC 3339; when the kubelet first acknowledged the pod. */
  startTime: string;
  initContainerStatuses: ContainerStatus[];
  containerStatuses: ContainerStatus[];
  /** The pod is torn down and will not run containers again (deleted). */
  terminal: boolean;
  /** RFC 3339, for conditions that change now. */
  now: string;
}

export function isRestartableInit(c: Container): boolean {
  return c.restartPolicy === "Always";
}

function statusOf(list: ContainerStatus[], name: string): ContainerStatus | undefined {
  return list.find((s) => s.name === name);
}

/** Go's %v of a string slice, as the kubelet's messages print them: `[a b]`. */
const goList = (names: string[]): string => `[${names.join(" ")}]`;

function anyRegularStarted(spec: PodSpec, statuses: ContainerStatus[]): boolean {
  return spec.containers.some((c) => {
    const s = statusOf(statuses, c.name);
    return Boolean(s && (s.state?.running || s.state?.terminated || s.lastState?.terminated));
  });
}

/** kubelet getPhase. `terminal`: containers will not be restarted whatever the restart policy. */
export function podPhase(
  spec: PodSpec,
  initStatuses: ContainerStatus[],
  statuses: ContainerStatus[],
  terminal: boolean,
): PodPhase {
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of spec.initContainers ?? []) {
    if (isRestartableInit(c)) continue;
    const s = statusOf(initStatuses, c.name);
    if (!s) pendingInit++;
    else if (s.state?.running) pendingInit++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state?.waiting && s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.containers) {
    const s = statusOf(statuses, c.name);
    if (!s) unknown++;
    else if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = spec.restartPolicy ?? "Always";
  if (failedInit > 0 && policy === "Never") return "Failed";
  if ((pendingInit > 0 && !anyRegularStarted(spec, statuses)) || waiting > 0) return "Pending";
  if (running > 0 && unknown === 0) return "Running";
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) return stopped === succeeded ? "Succeeded" : "Failed";
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

type Generated = Omit<PodCondition, "lastTransitionTime" | "lastProbeTime">;

export function containersReadyCondition(
  spec: PodSpec,
  initStatuses: ContainerStatus[],
  statuses: ContainerStatus[],
  phase: PodPhase,
): Generated {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of spec.initContainers ?? []) {
    if (!isRestartableInit(c)) continue;
    const s = statusOf(initStatuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  for (const c of spec.containers) {
    const s = statusOf(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === "Failed") return { type: "ContainersReady", status: "False", reason: "PodFailed" };
  if (phase === "Succeeded" && unknown.length === 0) {
    return { type: "ContainersReady", status: "False", reason: "PodCompleted" };
  }
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length > 0) messages.push(`containers with unready status: ${goList(unready)}`);
  if (messages.length > 0) {
    return {
      type: "ContainersReady",
      status: "False",
      reason: "ContainersNotReady",
      message: messages.join(", "),
    };
  }
  return { type: "ContainersReady", status: "True" };
}

export function readyCondition(
  spec: PodSpec,
  conditions: PodCondition[],
  containersReady: Generated,
): Generated {
  if (containersReady.status !== "True") {
    return {
      type: "Ready",
      status: containersReady.status,
      ...(containersReady.reason ? { reason: containersReady.reason } : {}),
      ...(containersReady.message ? { message: containersReady.message } : {}),
    };
  }
  const messages: string[] = [];
  for (const gate of spec.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) {
      messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    } else if (c.status !== "True") {
      messages.push(
        `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`,
      );
    }
  }
  if (messages.length > 0) {
    return { type: "Ready", status: "False", reason: "ReadinessGatesNotReady", message: messages.join(", ") };
  }
  return { type: "Ready", status: "True" };
}

export function initializedCondition(
  spec: PodSpec,
  initStatuses: ContainerStatus[],
  statuses: ContainerStatus[],
  phase: PodPhase,
): Generated {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of spec.initContainers ?? []) {
    const s = statusOf(initStatuses, c.name);
    if (!s) unknown.push(c.name);
    else if (isRestartableInit(c) ? !s.started : s.state?.terminated?.exitCode !== 0) incomplete.push(c.name);
  }
  if (phase === "Succeeded" && unknown.length === 0) {
    return { type: "Initialized", status: "True", reason: "PodCompleted" };
  }
  if (anyRegularStarted(spec, statuses)) return { type: "Initialized", status: "True" };
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length > 0) messages.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (messages.length > 0) {
    return {
      type: "Initialized",
      status: "False",
      reason: "ContainersNotInitialized",
      message: messages.join(", "),
    };
  }
  return { type: "Initialized", status: "True" };
}

/** The old conditions the kubelet does not own, then its own; transition times kept when unchanged. */
export function mergeConditions(old: PodCondition[], generated: Generated[], now: string): PodCondition[] {
  const owned = new Set<string>(kubeletConditions);
  const out = old.filter((c) => !owned.has(c.type));
  for (const g of generated) {
    const prev = old.find((c) => c.type === g.type);
    const keep = prev && prev.status === g.status && prev.lastTransitionTime;
    out.push({ ...g, lastTransitionTime: keep ? (prev.lastTransitionTime as string) : now });
  }
  return out;
}

export function buildPodStatus(input: PodStatusInput): PodStatus {
  const { pod } = input;
  const spec = pod.spec as PodSpec;
  const old = pod.status ?? {};
  const inits = input.initContainerStatuses;
  const phase = podPhase(spec, inits, input.containerStatuses, input.terminal);
  const containersReady = containersReadyCondition(spec, inits, input.containerStatuses, phase);
  const generated: Generated[] = [
    { type: "PodReadyToStartContainers", status: input.sandboxReady ? "True" : "False" },
    initializedCondition(spec, inits, input.containerStatuses, phase),
    readyCondition(spec, old.conditions ?? [], containersReady),
    containersReady,
    { type: "PodScheduled", status: "True" },
  ];
  const podIP = spec.hostNetwork ? input.hostIP : (input.podIP ?? old.podIP);
  const status: PodStatus = {
    ...old,
    phase,
    conditions: mergeConditions(old.conditions ?? [], generated, input.now),
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: old.startTime ?? input.startTime,
    containerStatuses: input.containerStatuses,
  };
  if (podIP) Object.assign(status, { podIP, podIPs: [{ ip: podIP }] });
  if ((spec.initContainers ?? []).length > 0) Object.assign(status, { initContainerStatuses: inits });
  return status;
}
