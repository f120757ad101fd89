// The coordination.k8s.io/v1 group.
import type { ResourceDef } from "../resource.ts";
import { leases } from "./lease.ts";

export function coordinationResources(): ResourceDef[] {
  return [leases] as ResourceDef[];
}
