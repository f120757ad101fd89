// What the endpoints and endpoint-slice controllers need to know of pods: selection by a
// service's selector, readiness, whether a pod belongs in endpoints at all, and the port a
// service port reaches on a pod (targetPort by number or by container port name).
import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1.js";

/** A service's selector matches when every key has the same value (an empty selector matches all). */
export function selects(service: Service, pod: Pod): boolean {
  const selector = service.spec?.selector;
  if (!selector) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Services with a selector get endpoints from the controllers; ExternalName ones never do. */
export function managesEndpoints(service: Service): boolean {
  return service.spec?.selector !== undefined && service.spec.type !== "ExternalName";
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** Kubernetes' ShouldPodBeInEndpoints: has an IP, is not finished, terminating only if asked. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status.phase;
  if (phase === "Failed" || phase === "Succeeded") return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** The port number a service port reaches on this pod, or undefined (named port absent). */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  const protocol = port.protocol ?? "TCP";
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
    }
  }
  // A numeric string is a number (the API keeps IntOrString as given).
  return /^\d+$/.test(target) ? Number(target) : undefined;
}
