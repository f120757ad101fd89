// The resources `skiff server` serves: core/v1 first, then the other groups in preference order.
import { coreV1Resources } from "../api/core/index.ts";
import { groupResources } from "../api/groups.ts";
import type { ResourceDef } from "../api/resource.ts";

export function servedResources(): ResourceDef[] {
  return [...coreV1Resources, ...groupResources()];
}
