// The batch/v1 group, resources in discovery order.
import type { ResourceDef } from "../resource.ts";
import { cronjobs } from "./cronjob.ts";
import { jobs } from "./job.ts";

export function batchResources(): ResourceDef[] {
  return [cronjobs, jobs] as ResourceDef[];
}
