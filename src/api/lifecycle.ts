// Kind-specific deletion behaviour: Kubernetes' RESTGracefulDeleteStrategy (pods) and the
// namespace registry's termination rules, as hooks the generic delete/update paths consult.
// Proposed as fields of Strategy (src/api/resource.ts); until the lead adds them there,
// `lifecycleFor` looks them up by group/resource.
import type { Namespace, Pod } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "./object.ts";

export interface GracefulDeleteOptions {
  /** DeleteOptions.gracePeriodSeconds as the client sent it (negative already raised to 1). */
  gracePeriodSeconds?: number;
}

export interface LifecycleStrategy<T extends KubeObject = KubeObject> {
  /**
   * CheckGracefulDelete: the grace period, in seconds, this first deletion request gets
   * (0 deletes now). Kinds without the hook have no graceful deletion.
   */
  gracefulDeleteSeconds?(obj: T, options: GracefulDeleteOptions): number;
  /**
   * Runs on the first deletion request of a kind whose termination is a process (namespaces:
   * phase Terminating). Such an object is never removed by that first request.
   */
  beginTermination?(obj: T): void;
  /** True while finalization tracked outside metadata.finalizers (spec.finalizers) is pending. */
  pendingFinalization?(obj: T): boolean;
}

export const podLifecycle: LifecycleStrategy<Pod & KubeObject> = {
  gracefulDeleteSeconds(pod, options) {
    // The client's value wins, else the pod's own; Kubernetes treats an absent one as 0.
    let period = options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
    // Nothing runs an unscheduled or finished pod, so there is nothing to wait for.
    if (!pod.spec?.nodeName) period = 0;
    const phase = pod.status?.phase;
    if (phase === "Failed" || phase === "Succeeded") period = 0;
    return period < 0 ? 1 : period;
  },
};

export const namespaceLifecycle: LifecycleStrategy<Namespace & KubeObject> = {
  beginTermination(ns) {
    // status is read-only in kubernetes-types; the server is the one place that sets it.
    Object.assign(ns, { status: { ...(ns.status ?? {}), phase: "Terminating" } });
  },
  pendingFinalization: (ns) => (ns.spec?.finalizers ?? []).length > 0,
};

// Temporary: keyed `${group}/${resource}` until Strategy carries these hooks.
const byResource = new Map<string, LifecycleStrategy>([
  ["/pods", podLifecycle as LifecycleStrategy],
  ["/namespaces", namespaceLifecycle as LifecycleStrategy],
]);

const none: LifecycleStrategy = {};

export function lifecycleFor(def: { group: string; resource: string }): LifecycleStrategy {
  return byResource.get(`${def.group}/${def.resource}`) ?? none;
}
