// The Endpoints subsets of a service (Kubernetes' endpoints controller): one address per
// selected pod, ready or not ready from the pod's Ready condition (all ready with
// publishNotReadyAddresses), grouped into subsets by identical port sets, sorted for stable writes.
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Pod,
  Service,
} from "kubernetes-types/core/v1.js";
import { findPort, isPodReady, shouldPodBeInEndpoints } from "./pods.ts";

export function endpointAddress(pod: Pod, service: Service): EndpointAddress {
  const m = pod.metadata ?? {};
  const hostname =
    pod.spec?.hostname && pod.spec.subdomain === service.metadata?.name
      ? { hostname: pod.spec.hostname }
      : {};
  return {
    ip: pod.status?.podIP ?? "",
    ...hostname,
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: "Pod", namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid ?? "" },
  };
}

/** The ports a pod serves for the service; ports whose named target the pod lacks are left out. */
export function endpointPorts(pod: Pod, service: Service): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({
      ...(sp.name ? { name: sp.name } : {}),
      port,
      protocol: sp.protocol ?? "TCP",
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return out;
}

const portKey = (p: EndpointPort): string =>
  `${p.name ?? ""}/${p.port}/${p.protocol ?? "TCP"}/${p.appProtocol ?? ""}`;
const byIp = (a: EndpointAddress, b: EndpointAddress): number =>
  a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? "") < (b.targetRef?.uid ?? "") ? -1 : 1;

export function computeSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const headless = service.spec?.clusterIP === "None";
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ports = endpointPorts(pod, service);
    // A pod reaching none of the ports adds nothing, except to a headless service without ports.
    if (ports.length === 0 && !(headless && (service.spec?.ports ?? []).length === 0)) continue;
    ports.sort((a, b) => (portKey(a) < portKey(b) ? -1 : 1));
    const key = ports.map(portKey).join(",");
    let group = groups.get(key);
    if (!group) {
      group = { ports, ready: [], notReady: [] };
      groups.set(key, group);
    }
    const address = endpointAddress(pod, service);
    if (tolerateUnready || isPodReady(pod)) group.ready.push(address);
    else group.notReady.push(address);
  }
  return [...groups.keys()].sort().map((key) => {
    const g = groups.get(key) as {
      ports: EndpointPort[];
      ready: EndpointAddress[];
      notReady: EndpointAddress[];
    };
    return {
      ...(g.ready.length > 0 ? { addresses: g.ready.sort(byIp) } : {}),
      ...(g.notReady.length > 0 ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
      ...(g.ports.length > 0 ? { ports: g.ports } : {}),
    };
  });
}
