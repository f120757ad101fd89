// The status a ReplicaSet (or RC) reports for the pods it controls (Kubernetes' calculateStatus).
import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodAvailable, isPodReady } from "../util/pod.ts";
import type { ReplicaCondition, ReplicaOwner, ReplicaStatus } from "./types.ts";

export interface StatusInput {
  owner: ReplicaOwner;
  pods: Pod[];
  /** The create or delete failure of this sync, reported as ReplicaFailure. */
  manageError?: { reason: "FailedCreate" | "FailedDelete"; message: string } | undefined;
  now: Date;
}

function labelsInclude(labels: Record<string, string> | undefined, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => labels?.[k] === v);
}

export function calculateStatus(input: StatusInput): ReplicaStatus {
  const { owner, pods, now } = input;
  const templateLabels = owner.spec?.template?.metadata?.labels ?? {};
  const minReady = owner.spec?.minReadySeconds ?? 0;
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (labelsInclude(p.metadata?.labels, templateLabels)) fully++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const previous = owner.status?.conditions ?? [];
  let conditions: ReplicaCondition[] = previous.filter((c) => c.type !== "ReplicaFailure");
  const failure = previous.find((c) => c.type === "ReplicaFailure");
  if (input.manageError) {
    const same =
      failure?.reason === input.manageError.reason && failure.message === input.manageError.message;
    conditions = [
      ...conditions,
      same && failure
        ? failure
        : {
            type: "ReplicaFailure",
            status: "True",
            lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
            reason: input.manageError.reason,
            message: input.manageError.message,
          },
    ];
  }
  return {
    replicas: pods.length,
    fullyLabeledReplicas: fully,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: owner.metadata?.generation ?? 0,
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

/** Whether two statuses differ in anything the controller writes. */
export function statusChanged(a: ReplicaStatus | undefined, b: ReplicaStatus): boolean {
  const norm = (s: ReplicaStatus | undefined) =>
    JSON.stringify([
      s?.replicas ?? 0,
      s?.fullyLabeledReplicas ?? 0,
      s?.readyReplicas ?? 0,
      s?.availableReplicas ?? 0,
      s?.observedGeneration ?? 0,
      s?.conditions ?? [],
    ]);
  return norm(a) !== norm(b);
}
