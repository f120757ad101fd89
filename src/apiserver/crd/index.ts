// CustomResourceDefinition support for the API server: the CRD kind registered, the patcher seam
// made aware of custom resources, and the controller that serves what CRDs define.
import { apiextensionsResources } from "../../api/apiextensions/index.ts";
import type { Registry } from "../../api/registry.ts";

export { CrdController } from "./controller.ts";
export { customResourcePatcher } from "./decoding.ts";

/** Adds apiextensions.k8s.io/v1 to the registry unless the caller's resources already have it. */
export function withApiextensions(registry: Registry): Registry {
  for (const def of apiextensionsResources()) {
    if (!registry.resource(def.group, def.version, def.resource)) registry.add(def);
  }
  return registry;
}
