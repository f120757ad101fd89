// The apiregistration.k8s.io/v1 group.
import type { ResourceDef } from "../resource.ts";
import { apiservices } from "./apiservice.ts";

export function apiregistrationResources(): ResourceDef[] {
  return [apiservices] as ResourceDef[];
}
