// The networking.k8s.io/v1 group, resources in discovery order.
import type { ResourceDef } from "../resource.ts";
import { ingressclasses, ingresses } from "./ingress.ts";
import { networkpolicies } from "./networkpolicy.ts";

export function networkingResources(): ResourceDef[] {
  return [ingressclasses, ingresses, networkpolicies] as ResourceDef[];
}
