// The EndpointSlices a service should have (Kubernetes' endpointslice controller, simplified
// reconciler): endpoints grouped by address type and port set, at most `maxEndpointsPerSlice`
// per slice, each endpoint with ready/serving/terminating conditions.
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import type { Endpoint, EndpointPort, EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { headlessLabel } from "../endpoints/controller.ts";
import { isPodReady, shouldPodBeInEndpoints } from "../endpoints/pods.ts";
import { endpointPorts } from "../endpoints/subsets.ts";

export const serviceNameLabel = "kubernetes.io/service-name";
export const managedByLabel = "endpointslice.kubernetes.io/managed-by";
export const controllerName = "endpointslice-controller.k8s.io";
export const defaultMaxEndpointsPerSlice = 100;

/** The desired content of one slice (name, uid, resourceVersion are the reconciler's business). */
export interface DesiredSlice {
  addressType: "IPv4" | "IPv6";
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

export function sliceLabels(service: Service): Record<string, string> {
  return {
    ...(service.metadata?.labels ?? {}),
    ...(service.spec?.clusterIP === "None" ? { [headlessLabel]: "" } : {}),
    [serviceNameLabel]: service.metadata?.name ?? "",
    [managedByLabel]: controllerName,
  };
}

export function podEndpoint(pod: Pod, service: Service): Endpoint {
  const m = pod.metadata ?? {};
  const serving = isPodReady(pod);
  const terminating = Boolean(m.deletionTimestamp);
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const hostname =
    pod.spec?.hostname && pod.spec.subdomain === service.metadata?.name
      ? { hostname: pod.spec.hostname }
      : {};
  return {
    addresses: [pod.status?.podIP ?? ""],
    conditions: { ready, serving, terminating },
    ...hostname,
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: "Pod", namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid ?? "" },
  };
}

export const slicePortsKey = (addressType: string, ports: readonly EndpointPort[]): string =>
  `${addressType}|${ports
    .map((p) => `${p.name ?? ""}/${p.port ?? ""}/${p.protocol ?? "TCP"}/${p.appProtocol ?? ""}`)
    .sort()
    .join(",")}`;

export function desiredSlices(
  service: Service,
  pods: readonly Pod[],
  maxEndpointsPerSlice = defaultMaxEndpointsPerSlice,
): Map<string, DesiredSlice[]> {
  const groups = new Map<
    string,
    { addressType: "IPv4" | "IPv6"; ports: EndpointPort[]; endpoints: Endpoint[] }
  >();
  for (const pod of pods) {
    // Slices keep terminating pods (with their conditions), unlike Endpoints.
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports: EndpointPort[] = endpointPorts(pod, service).map((p) => ({
      name: p.name ?? "",
      port: p.port,
      protocol: p.protocol ?? "TCP",
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    if (ports.length === 0 && (service.spec?.ports ?? []).length > 0) continue;
    const addressType = (pod.status?.podIP ?? "").includes(":") ? "IPv6" : "IPv4";
    const key = slicePortsKey(addressType, ports);
    let g = groups.get(key);
    if (!g) {
      g = { addressType, ports, endpoints: [] };
      groups.set(key, g);
    }
    g.endpoints.push(podEndpoint(pod, service));
  }
  const out = new Map<string, DesiredSlice[]>();
  for (const [key, g] of groups) {
    g.endpoints.sort((a, b) => ((a.addresses[0] ?? "") < (b.addresses[0] ?? "") ? -1 : 1));
    const chunks: DesiredSlice[] = [];
    for (let i = 0; i < g.endpoints.length; i += maxEndpointsPerSlice) {
      chunks.push({
        addressType: g.addressType,
        ports: g.ports,
        endpoints: g.endpoints.slice(i, i + maxEndpointsPerSlice),
      });
    }
    out.set(key, chunks);
  }
  // A service whose pods are all gone still has one empty slice, as in Kubernetes.
  // Kubernetes' placeholder slice carries no ports.
  if (out.size === 0) {
    out.set(slicePortsKey("IPv4", []), [{ addressType: "IPv4", ports: [], endpoints: [] }]);
  }
  return out;
}

/** The port-set key of an existing slice, to match it with desired ones. */
export function existingKey(slice: EndpointSlice): string {
  return slicePortsKey(slice.addressType, slice.ports ?? []);
}
