// Downward API values (env valueFrom and downwardAPI volumes): pod fields by fieldPath and
// container resources by resourceFieldRef, with the node's allocatable standing in for an
// unset limit, as the kubelet does.
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { Quantity } from "../../api/quantity.ts";

/** A reference the kubelet cannot resolve: the container fails with CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override name = "ContainerConfigError";
}

/** `k="v"` lines, sorted, as the downward API renders labels and annotations. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m?.[k] ?? "")}`)
    .join("\n");
}

export function fieldValue(pod: Pod, fieldPath: string): string {
  const m = pod.metadata ?? {};
  const subscript = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(fieldPath);
  if (subscript) {
    const map = subscript[1] === "labels" ? m.labels : m.annotations;
    return map?.[subscript[2] ?? ""] ?? "";
  }
  switch (fieldPath) {
    case "metadata.name":
      return m.name ?? "";
    case "metadata.namespace":
      return m.namespace ?? "";
    case "metadata.uid":
      return m.uid ?? "";
    case "metadata.labels":
      return formatMap(m.labels);
    case "metadata.annotations":
      return formatMap(m.annotations);
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "";
    case "status.hostIP":
      return pod.status?.hostIP ?? "";
    case "status.hostIPs":
      return (pod.status?.hostIPs ?? []).map((x) => x.ip).join(",");
    case "status.podIP":
      return pod.status?.podIP ?? "";
    case "status.podIPs":
      return (pod.status?.podIPs ?? []).map((x) => x.ip).join(",");
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** The node's allocatable, used when a container sets no limit. */
export type Allocatable = Record<string, string>;

export function resourceValue(
  container: Container,
  resource: string,
  divisor: string | number | undefined,
  allocatable: Allocatable,
): string {
  const [kind, name] = resource.split(".", 2) as [string, string | undefined];
  if ((kind !== "limits" && kind !== "requests") || !name) {
    throw new ContainerConfigError(`unsupported container resource: ${resource}`);
  }
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  let raw = kind === "limits" ? limits[name] : (requests[name] ?? limits[name]);
  // An unset limit is the node's allocatable; an unset request is 0 (but cpu requests
  // report at least 1 after the divisor's ceiling, as the kubelet's MilliValue rounding does).
  if (raw === undefined) raw = kind === "limits" ? (allocatable[name] ?? "0") : "0";
  const q = Quantity.parse(String(raw));
  const d = Quantity.parse(String(divisor ?? "1"));
  if (d.isZero()) throw new ContainerConfigError(`invalid divisor for ${resource}`);
  // ceil(q / d), exact in nano-units.
  const value = (q.nanos + d.nanos - 1n) / d.nanos;
  if (name === "cpu" && value < 1n) return "1";
  return value.toString();
}
