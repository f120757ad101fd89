// The resources `skiff server` serves: core/v1 first, then the other groups in preference order.
import { appsResources } from "../api/apps/index.ts";
import { batchResources } from "../api/batch/index.ts";
import { coreV1Resources } from "../api/core/index.ts";
import { rbacResources } from "../api/rbac/index.ts";
import type { ResourceDef } from "../api/resource.ts";
import { withInterimCore } from "../apiserver/interim-core.ts";

export function servedResources(): ResourceDef[] {
  // TODO(kinds): switch to groupResources() from src/api/groups.ts when it lands.
  return [...withInterimCore(coreV1Resources), ...appsResources(), ...batchResources(), ...rbacResources()];
}
