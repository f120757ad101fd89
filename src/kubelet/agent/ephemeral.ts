// Ephemeral containers (kubectl debug): each one the spec names runs once in the pod's sandbox and
// is never restarted (not even in a new sandbox); one with a targetContainerName joins the
// target's process namespace when the target runs.
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { ObservedPod } from "./pod-state.ts";

export interface EphemeralStart {
  container: Container;
  targetContainerId?: string;
}

/** The ephemeral containers that never ran, with their targets' runtime ids. */
export function ephemeralToStart(pod: Pod, observed: ObservedPod, sandboxId: string): EphemeralStart[] {
  const out: EphemeralStart[] = [];
  for (const ec of pod.spec?.ephemeralContainers ?? []) {
    if ((observed.containers.get(ec.name) ?? []).length > 0) continue;
    const target = ec.targetContainerName ? observed.containers.get(ec.targetContainerName)?.[0] : undefined;
    const running = target?.state === "CONTAINER_RUNNING" && target.podSandboxId === sandboxId;
    // EphemeralContainerCommon is Container's field set (the kubelet converts it the same way).
    out.push({ container: ec as Container, ...(running && target ? { targetContainerId: target.id } : {}) });
  }
  return out;
}
