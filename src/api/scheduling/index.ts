// The scheduling.k8s.io/v1 group.
import type { ResourceDef } from "../resource.ts";
import { priorityclasses } from "./priorityclass.ts";

export function schedulingResources(): ResourceDef[] {
  return [priorityclasses] as ResourceDef[];
}
