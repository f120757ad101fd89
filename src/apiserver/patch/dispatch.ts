// Picks the patch engine for a PATCH request's Content-Type and decodes the body for it.
// Server-side apply (`application/apply-patch+yaml`) needs managedFields and options, so it has its
// own entry point (ssa/apply.ts); here it is recognised but not applied.
import { BadRequestError, UnsupportedMediaTypeError } from "../../api/errors.ts";
import type { PatchSchema } from "../../api/patchschema.ts";
import { isJsonObject, type JsonObject, type JsonValue, parseJsonBody } from "./json.ts";
import { applyJsonPatch, decodeJsonPatch } from "./jsonpatch.ts";
import { applyMergePatch } from "./mergepatch.ts";
import { applyStrategicMergePatch } from "./strategic.ts";

export type PatchType = "json" | "merge" | "strategic" | "apply";

const mediaTypes: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

/** The patch type of a Content-Type header (parameters such as charset ignored), or undefined. */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaTypes[mediaType];
}

export interface ApplyPatchOptions {
  /** The request's Content-Type header. */
  contentType: string | undefined;
  /** The current object (as stored, in the request's version). */
  original: JsonObject;
  /** The raw request body. */
  body: string | Uint8Array;
  /** Patch metadata of the kind; only strategic merge patch uses it. */
  schema: PatchSchema | undefined;
  /** `original` is the caller's copy, which the patch may change and the result may share. */
  owned?: boolean;
}

/**
 * Applies a JSON, merge or strategic merge patch. Throws UnsupportedMediaTypeError (415) for other
 * types, including apply-patch+yaml (route that to `serverSideApply` first), BadRequestError (400)
 * for an undecodable body, and the engines' errors otherwise.
 */
export function applyPatch(options: ApplyPatchOptions): JsonValue {
  const type = patchTypeOf(options.contentType);
  switch (type) {
    case "json": {
      const body = parseJsonBody(options.body, (message) => new BadRequestError(message));
      return applyJsonPatch(options.original, decodeJsonPatch(body));
    }
    case "merge": {
      // evanphx/json-patch's ErrBadJSONPatch, answered as 400.
      const body = parseJsonBody(options.body, () => new BadRequestError("Invalid JSON Patch"));
      return applyMergePatch(options.original, body);
    }
    case "strategic": {
      const body = parseJsonBody(options.body, (message) => new BadRequestError(message));
      if (!isJsonObject(body)) {
        throw new BadRequestError(
          `json: cannot unmarshal ${Array.isArray(body) ? "array" : typeof body} into Go value of type map[string]interface {}`,
        );
      }
      // The body was parsed just now: the patch engine may keep or change it.
      return applyStrategicMergePatch(options.original, body, options.schema, {
        owned: options.owned === true,
      });
    }
    default:
      throw new UnsupportedMediaTypeError(options.contentType ?? "");
  }
}
