// Custom resources at the handler's patcher seam: strategic merge patch is refused with 415 as
// Kubernetes does for custom resources (they have no patch metadata). Unknown fields are found by
// the strict decoder through the schemas the registrar registers (strict-schema.ts).
import { isCustomResourceDef } from "../../api/apiextensions/customresource.ts";
import { ApiError } from "../../api/errors.ts";
import type { Registry } from "../../api/registry.ts";
import { patchTypeOf } from "../patch/dispatch.ts";
import type { Patcher } from "../rest/context.ts";

export const customResourcePatchTypes =
  "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

/** Wraps the patcher: strategic merge patch of a custom resource is a 415. */
export function customResourcePatcher(base: Patcher, registry: Registry): Patcher {
  return (options) => {
    if (patchTypeOf(options.contentType) === "strategic") {
      const { group, version, kind } = options.target;
      const def = registry.kind(group, version, kind);
      if (def && isCustomResourceDef(def)) {
        throw new ApiError(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: ${customResourcePatchTypes}`,
        );
      }
    }
    return base(options);
  };
}
