// The rbac.authorization.k8s.io/v1 group, resources in discovery order.
import type { ResourceDef } from "../resource.ts";
import { clusterrolebindings, clusterroles, rolebindings, roles } from "./rbac.ts";

export function rbacResources(): ResourceDef[] {
  return [clusterrolebindings, clusterroles, rolebindings, roles] as ResourceDef[];
}
