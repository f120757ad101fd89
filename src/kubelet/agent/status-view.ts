// The pod status the agent reports from what the runtime holds: container states with waiting
// reasons, restart counts, last terminations (with termination messages), probe readiness, IPs.
import { readFileSync } from "node:fs";
import type { Container, Pod, PodStatus } from "kubernetes-types/core/v1.js";
import type { ContainerStatus } from "../runtime/runtime.ts";
import { apiContainerStatus, rfc3339 } from "../status/container-status.ts";
import { buildPodStatus, isRestartableInit } from "../status/pod-status.ts";
import type { StartFailure } from "./containers.ts";
import type { ObservedPod } from "./pod-state.ts";
import type { Prober } from "./prober.ts";

export interface StatusViewInput {
  pod: Pod;
  uid: string;
  /** RFC 3339: when the agent first took the pod. */
  startTime: string;
  /** Container name → why its next attempt waits. */
  waiting: ReadonlyMap<string, StartFailure>;
  observed: ObservedPod;
  /** The pod will not run containers again (finished or deleted). */
  terminal: boolean;
  prober: Pick<Prober, "ready" | "started">;
  runtimeName: string;
  hostIP: string;
  now: number;
  /** Host path of a container attempt's termination-log file. */
  terminationLog(container: string, attempt: number): string;
}

export function observedPodStatus(i: StatusViewInput): PodStatus {
  const { pod, observed, terminal, now } = i;
  const rec = { uid: i.uid, startTime: i.startTime, waiting: i.waiting };
  const sandbox = observed.sandboxes[0];
  const initsDone = (pod.spec?.initContainers ?? []).every((c) => {
    const cur = observed.containers.get(c.name)?.[0];
    return isRestartableInit(c)
      ? cur?.state === "CONTAINER_RUNNING"
      : cur?.state === "CONTAINER_EXITED" && cur.exitCode === 0;
  });
  const view = (c: Container, init: boolean) => {
    const attempts = observed.containers.get(c.name) ?? [];
    const cur = attempts[0];
    const running = cur?.state === "CONTAINER_RUNNING";
    let waiting = rec.waiting.get(c.name);
    if (!cur && !waiting && !init && !initsDone) waiting = { reason: "PodInitializing", message: "" };
    if (terminal) waiting = undefined;
    return apiContainerStatus({
      spec: c,
      current: withTerminationMessage(i, c, cur),
      previous: withTerminationMessage(i, c, attempts[1]),
      restartCount: cur?.metadata.attempt ?? 0,
      backOffMessage: waiting?.reason === "CrashLoopBackOff" ? waiting.message : undefined,
      waiting: waiting && waiting.reason !== "CrashLoopBackOff" ? waiting : undefined,
      runtimeName: i.runtimeName,
      readyDelayMs: 0,
      ready: running && cur ? i.prober.ready(cur.id) : false,
      started: running && cur ? i.prober.started(cur.id) : false,
      now,
    });
  };
  const ip = sandbox?.network.ip;
  const status = buildPodStatus({
    pod,
    hostIP: i.hostIP,
    ...(ip ? { podIP: ip } : {}),
    sandboxReady: sandbox?.state === "SANDBOX_READY" && !terminal,
    startTime: rec.startTime,
    initContainerStatuses: (pod.spec?.initContainers ?? []).map((c) => view(c, true)),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => view(c, false)),
    terminal,
    now: rfc3339(now),
  });
  const ephemeral = pod.spec?.ephemeralContainers ?? [];
  if (ephemeral.length === 0) return status;
  // Ephemeral containers are never ready (they serve nothing).
  return {
    ...status,
    ephemeralContainerStatuses: ephemeral.map((c) => ({ ...view(c as Container, false), ready: false })),
  };
}

/** An exited container's message: its termination-log file, or its last log lines (FallbackToLogsOnError). */
function withTerminationMessage(
  i: StatusViewInput,
  c: Container,
  s: ContainerStatus | undefined,
): ContainerStatus | undefined {
  if (s?.state !== "CONTAINER_EXITED" || s.message) return s;
  let message = "";
  try {
    const file = i.terminationLog(c.name, s.metadata.attempt);
    message = readFileSync(file, "utf8").slice(0, 4096);
    if (!message && c.terminationMessagePolicy === "FallbackToLogsOnError" && s.exitCode !== 0 && s.logPath) {
      const lines = readFileSync(s.logPath, "utf8").trimEnd().split("\n").slice(-80);
      message = lines
        .map((l) => l.replace(/^\S+ (stdout|stderr) [FP] /, ""))
        .join("\n")
        .slice(-2048);
    }
  } catch {
    return s;
  }
  return message ? { ...s, message } : s;
}
