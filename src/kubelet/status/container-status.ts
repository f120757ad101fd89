// One container's API status (v1.ContainerStatus) from what the runtime reports of its current
// and previous attempt, as the kubelet's convertToAPIContainerStatuses does.
import type { Container, ContainerState, ContainerStatus } from "kubernetes-types/core/v1.js";
import type { ContainerStatus as RuntimeContainerStatus } from "../runtime/runtime.ts";

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface ContainerView {
  spec: Container;
  /** The runtime's view of the latest attempt; absent before it was created. */
  current?: RuntimeContainerStatus | undefined;
  /** The attempt before, when it ended (becomes lastState). */
  previous?: RuntimeContainerStatus | undefined;
  restartCount: number;
  /** Set while a restart waits out its back-off: the waiting message. */
  backOffMessage?: string | undefined;
  /** `runtimeName://` prefix of container ids. */
  runtimeName: string;
  /** A running container is ready once it has run this long (readiness probe stand-in). */
  readyDelayMs: number;
  /** Readiness from probes (overrides readyDelayMs when set). */
  ready?: boolean | undefined;
  /** Startup probe passed (default: running means started). */
  started?: boolean | undefined;
  /** Why the next attempt waits (ErrImagePull, CreateContainerConfigError, …); like a back-off, the latest attempt becomes lastState. */
  waiting?: { reason: string; message?: string } | undefined;
  now: number;
}

function terminated(s: RuntimeContainerStatus, runtimeName: string): ContainerState {
  return {
    terminated: {
      exitCode: s.exitCode,
      reason: s.reason || (s.exitCode === 0 ? "Completed" : "Error"),
      ...(s.message ? { message: s.message } : {}),
      startedAt: rfc3339(s.startedAt),
      finishedAt: rfc3339(s.finishedAt),
      containerID: `${runtimeName}://${s.id}`,
    },
  };
}

export function apiContainerStatus(v: ContainerView): ContainerStatus {
  const cur = v.current;
  let state: ContainerState;
  let ready = false;
  const waitingFor = v.waiting && cur?.state !== "CONTAINER_RUNNING" ? v.waiting : undefined;
  if (v.backOffMessage !== undefined) {
    state = { waiting: { reason: "CrashLoopBackOff", message: v.backOffMessage } };
  } else if (waitingFor) {
    state = {
      waiting: { reason: waitingFor.reason, ...(waitingFor.message ? { message: waitingFor.message } : {}) },
    };
  } else if (!cur || cur.state === "CONTAINER_CREATED" || cur.state === "CONTAINER_UNKNOWN") {
    state = { waiting: { reason: "ContainerCreating" } };
  } else if (cur.state === "CONTAINER_RUNNING") {
    state = { running: { startedAt: rfc3339(cur.startedAt) } };
    ready = v.ready ?? v.now >= cur.startedAt + v.readyDelayMs;
  } else {
    state = terminated(cur, v.runtimeName);
  }
  // Waiting for a new attempt, the latest one is the last termination; otherwise the one before it.
  const pending = v.backOffMessage !== undefined || waitingFor !== undefined;
  const last = pending ? cur : v.previous;
  const status: ContainerStatus = {
    name: v.spec.name,
    state,
    lastState: last && last.state === "CONTAINER_EXITED" ? terminated(last, v.runtimeName) : {},
    ready,
    restartCount: v.restartCount,
    image: v.spec.image ?? "",
    imageID: cur?.imageRef ?? "",
    started: cur?.state === "CONTAINER_RUNNING" && !pending && (v.started ?? true),
  };
  if (cur && !pending) Object.assign(status, { containerID: `${v.runtimeName}://${cur.id}` });
  return status;
}
