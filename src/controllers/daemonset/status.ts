// The counts a DaemonSet reports (Kubernetes' updateDaemonSetStatus), which `kubectl get ds`
// prints as DESIRED/CURRENT/READY/UP-TO-DATE/AVAILABLE and `rollout status` follows.
import type { DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodAvailable, isPodReady } from "../util/pod.ts";
import { revisionHashLabel } from "./pods.ts";

export interface NodeState {
  shouldRun: boolean;
  /** Live daemon pods on the node, oldest first. */
  pods: Pod[];
}

export function calculateStatus(ds: DaemonSet, hash: string, nodes: NodeState[], now: Date): DaemonSetStatus {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  let misscheduled = 0;
  for (const n of nodes) {
    const pod = n.pods[0];
    if (!n.shouldRun) {
      if (pod) misscheduled++;
      continue;
    }
    desired++;
    if (!pod) continue;
    current++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (n.pods.some((p) => p.metadata?.labels?.[revisionHashLabel] === hash)) updated++;
  }
  return {
    ...(ds.status?.collisionCount !== undefined ? { collisionCount: ds.status.collisionCount } : {}),
    currentNumberScheduled: current,
    desiredNumberScheduled: desired,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    numberAvailable: available,
    numberUnavailable: desired - available,
    updatedNumberScheduled: updated,
    observedGeneration: ds.metadata?.generation ?? 0,
  };
}

export function statusChanged(a: DaemonSetStatus | undefined, b: DaemonSetStatus): boolean {
  const keys: (keyof DaemonSetStatus)[] = [
    "currentNumberScheduled",
    "desiredNumberScheduled",
    "numberMisscheduled",
    "numberReady",
    "numberAvailable",
    "numberUnavailable",
    "updatedNumberScheduled",
    "observedGeneration",
    "collisionCount",
  ];
  return keys.some((k) => (a?.[k] ?? 0) !== (b[k] ?? 0));
}
