// Custom resources at the handler's decoder and patcher seams: fieldValidation Strict/Warn
// report the fields the CRD schema would prune (`unknown field "spec.foo"`), and strategic
// merge patch is refused with 415 as Kubernetes does for custom resources (no patch metadata).
import { isCustomResourceDef } from "../../api/apiextensions/customresource.ts";
import { unknownFieldPaths } from "../../api/apiextensions/prune.ts";
import { ApiError, BadRequestError } from "../../api/errors.ts";
import type { Registry } from "../../api/registry.ts";
import { issueMessage, strictDecodingMessage } from "../../api/schema/field-validation.ts";
import { patchTypeOf } from "../patch/dispatch.ts";
import type { Decoder, Patcher } from "../rest/context.ts";

export const customResourcePatchTypes =
  "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

/** Wraps the built-in decoder: custom resources get their unknown fields checked by their schema. */
export function customResourceDecoder(base: Decoder): Decoder {
  return (options) => {
    const decoded = base(options);
    const { def, mode } = options;
    if (!isCustomResourceDef(def) || mode === "Ignore") return decoded;
    const problems = unknownFieldPaths(def.customResource.schema, decoded.object).map((path) =>
      issueMessage({ type: "unknown", path }),
    );
    if (problems.length === 0) return decoded;
    if (mode === "Strict") throw new BadRequestError(strictDecodingMessage(def, problems));
    return { object: decoded.object, warnings: [...decoded.warnings, ...problems] };
  };
}

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
