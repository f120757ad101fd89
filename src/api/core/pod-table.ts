// The pods table as kubectl prints it (printers.go printPod): READY, STATUS computed from
// container states (Init:x/y, CrashLoopBackOff, Completed, Terminating…), RESTARTS, and wide columns.
import type { Container, ContainerStatus, Pod } from "kubernetes-types/core/v1.js";
import { age, humanDuration } from "../duration.ts";
import type { TableConvertor } from "../resource.ts";
import { ageColumn, column, nameColumn, type Obj } from "./define.ts";

function isRestartableInit(c: Container | undefined): boolean {
  return c?.restartPolicy === "Always";
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** READY, STATUS and RESTARTS (with "(5m ago)") of a pod. */
export function podStatusCells(pod: Pod, now: Date): { ready: string; status: string; restarts: string } {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart: string | undefined;
  let lastRestartableInitRestart: string | undefined;
  let reason = status.reason || status.phase || "";
  for (const c of status.conditions ?? []) {
    if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  }
  const inits = new Map((spec.initContainers ?? []).map((c) => [c.name, c]));
  for (const c of spec.initContainers ?? []) if (isRestartableInit(c)) total++;

  let initializing = false;
  const initStatuses: ContainerStatus[] = status.initContainerStatuses ?? [];
  for (const [i, cs] of initStatuses.entries()) {
    restarts += cs.restartCount ?? 0;
    const finished = cs.lastState?.terminated?.finishedAt;
    lastRestart = later(lastRestart, finished);
    const restartable = isRestartableInit(inits.get(cs.name));
    if (restartable) {
      restartableInitRestarts += cs.restartCount ?? 0;
      lastRestartableInitRestart = later(lastRestartableInitRestart, finished);
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (restartable && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    if (terminated) {
      if (!terminated.reason) {
        reason = terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
    } else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  const initialized = (status.conditions ?? []).some((c) => c.type === "Initialized" && c.status === "True");
  if (!initializing || initialized) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      if (!cs) continue;
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated)
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const podReady = (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
      reason = podReady ? "Running" : "NotReady";
    }
  }

  const terminal = status.phase === "Succeeded" || status.phase === "Failed";
  if (pod.metadata?.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = "Terminating";

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart) {
    restartsText = `${restarts} (${humanDuration(now.getTime() - Date.parse(lastRestart))} ago)`;
  }
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  let trueCount = 0;
  for (const gate of gates) {
    const cond = (pod.status?.conditions ?? []).find((c) => c.type === gate.conditionType);
    if (cond?.status === "True") trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

export const podTable: TableConvertor<Obj<Pod>> = {
  columns: [
    nameColumn,
    column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    column("Status", "The aggregate status of the containers in this pod."),
    column(
      "Restarts",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    ageColumn,
    column("IP", "The IP address assigned to the pod", { wide: true }),
    column("Node", "The name of the node where the pod is running", { wide: true }),
    column("Nominated Node", "The name of the node where the pod is nominated to run", { wide: true }),
    column("Readiness Gates", "The readiness gates of the pod", { wide: true }),
  ],
  cells(pod, now) {
    const { ready, status, restarts } = podStatusCells(pod, now);
    const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || "<none>";
    return [
      pod.metadata?.name ?? "",
      ready,
      status,
      restarts,
      age(pod.metadata?.creationTimestamp, now),
      ip,
      pod.spec?.nodeName || "<none>",
      pod.status?.nominatedNodeName || "<none>",
      readinessGates(pod),
    ];
  },
};
