// The Deployment's status from its ReplicaSets, and the Progressing condition's life cycle
// (NewReplicaSetAvailable, ReplicaSetUpdated, ProgressDeadlineExceeded) as kubectl rollout reads it.
import type { Deployment, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { canonicalJson } from "./hash.ts";
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  maxUnavailable,
  newCondition,
  removeCondition,
  replicas,
  setCondition,
  sumActual,
  sumAvailable,
  sumReady,
  sumSpec,
} from "./util.ts";

export function calculateStatus(
  d: Deployment,
  all: ReplicaSet[],
  newRS: ReplicaSet | undefined,
  now: Date,
  base: DeploymentStatus = d.status ?? {},
): DeploymentStatus {
  const available = sumAvailable(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: sumActual(all),
    updatedReplicas: newRS ? sumActual([newRS]) : 0,
    readyReplicas: sumReady(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpec(all) - available),
    ...(base.collisionCount !== undefined ? { collisionCount: base.collisionCount } : {}),
    conditions: [...(base.conditions ?? [])],
  };
  if (available >= replicas(d) - maxUnavailable(d)) {
    setCondition(
      status,
      newCondition(
        "Available",
        "True",
        "MinimumReplicasAvailable",
        "Deployment has minimum availability.",
        now,
      ),
    );
  } else {
    setCondition(
      status,
      newCondition(
        "Available",
        "False",
        "MinimumReplicasUnavailable",
        "Deployment does not have minimum availability.",
        now,
      ),
    );
  }
  return status;
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
}

/** Status plus the Progressing condition after a rollout step (Kubernetes' syncRolloutStatus). */
export function rolloutStatus(
  d: Deployment,
  all: ReplicaSet[],
  newRS: ReplicaSet | undefined,
  now: Date,
  base: DeploymentStatus,
): DeploymentStatus {
  const status = calculateStatus(d, all, newRS, now, base);
  if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
  const current = getCondition(status, "Progressing");
  const complete = status.replicas === status.updatedReplicas && current?.reason === "NewReplicaSetAvailable";
  if (hasProgressDeadline(d) && !complete) {
    const rsName = newRS?.metadata?.name ?? "";
    if (deploymentComplete(d, status)) {
      const msg = newRS
        ? `ReplicaSet "${rsName}" has successfully progressed.`
        : `Deployment "${d.metadata?.name ?? ""}" has successfully progressed.`;
      forceCondition(status, "True", "NewReplicaSetAvailable", msg, now);
    } else if (deploymentProgressing(d, status)) {
      const msg = newRS
        ? `ReplicaSet "${rsName}" is progressing.`
        : `Deployment "${d.metadata?.name ?? ""}" is progressing.`;
      forceCondition(status, "True", "ReplicaSetUpdated", msg, now);
    } else if (deploymentTimedOut(d, status, now)) {
      const msg = newRS
        ? `ReplicaSet "${rsName}" has timed out progressing.`
        : `Deployment "${d.metadata?.name ?? ""}" has timed out progressing.`;
      forceCondition(status, "False", "ProgressDeadlineExceeded", msg, now);
    }
  }
  return status;
}

/** Sets Progressing with a fresh lastUpdateTime, keeping lastTransitionTime when the status stays True. */
function forceCondition(
  status: DeploymentStatus,
  value: "True" | "False",
  reason: string,
  message: string,
  now: Date,
): void {
  const current = getCondition(status, "Progressing");
  const c = newCondition("Progressing", value, reason, message, now);
  if (current && current.status === value && value === "True")
    c.lastTransitionTime = current.lastTransitionTime;
  if (
    current?.status === value &&
    current.reason === reason &&
    current.message === message &&
    value === "False"
  )
    return;
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== "Progressing"), c];
}

/** Whether a status write would change anything; lastUpdateTime-only changes count (progress). */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return canonicalJson(a ?? {}) === canonicalJson(b);
}
