// StatefulSet status from its pods (Kubernetes' computeReplicaStatus and completeRollingUpdate).
import type { StatefulSet, StatefulSetStatus } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodAvailable, isPodReady } from "../util/pod.ts";
import { revisionOf } from "./pods.ts";

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === "Running" && isPodReady(pod);
}

export function computeStatus(
  set: StatefulSet,
  pods: readonly Pod[],
  revisions: { current: string; update: string; collisionCount: number },
  now: Date,
): StatefulSetStatus {
  const s: StatefulSetStatus = {
    observedGeneration: set.metadata?.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: revisions.current,
    updateRevision: revisions.update,
    collisionCount: revisions.collisionCount,
  };
  const minReady = set.spec?.minReadySeconds ?? 0;
  for (const pod of pods) {
    const created = (pod.status?.phase ?? "") !== "";
    if (created) s.replicas++;
    if (isRunningAndReady(pod)) {
      s.readyReplicas = (s.readyReplicas ?? 0) + 1;
      if (isPodAvailable(pod, minReady, now)) s.availableReplicas = (s.availableReplicas ?? 0) + 1;
    }
    if (created && pod.metadata?.deletionTimestamp === undefined) {
      if (revisionOf(pod) === revisions.current) s.currentReplicas = (s.currentReplicas ?? 0) + 1;
      if (revisionOf(pod) === revisions.update) s.updatedReplicas = (s.updatedReplicas ?? 0) + 1;
    }
  }
  if (
    set.spec?.updateStrategy?.type !== "OnDelete" &&
    s.updatedReplicas === s.replicas &&
    s.readyReplicas === s.replicas
  ) {
    s.currentReplicas = s.updatedReplicas;
    s.currentRevision = s.updateRevision;
  }
  return s;
}
