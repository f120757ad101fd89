// The discovery.k8s.io/v1 group.
import type { ResourceDef } from "../resource.ts";
import { endpointslices } from "./endpointslice.ts";

export function discoveryResources(): ResourceDef[] {
  return [endpointslices] as ResourceDef[];
}
