// Interim patcher until src/apiserver/patch lands: RFC 7386 merge patch, RFC 6902 JSON patch,
// and strategic merge patch approximated as merge patch (lists are replaced, not merged).
import { immutableJSONPatch, type JSONPatchDocument } from "immutable-json-patch";
import { BadRequestError, UnsupportedMediaTypeError } from "../../api/errors.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import { decodeValue } from "../http/body.ts";
import type { Patcher } from "./context.ts";

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export const fallbackPatcher: Patcher = ({ current, patch, contentType }) => {
  if (contentType === "application/json-patch+json") {
    const ops = decodeValue(patch, "json");
    if (!Array.isArray(ops)) throw new BadRequestError("json patch must be an array of operations");
    try {
      return immutableJSONPatch(current as never, ops as JSONPatchDocument) as unknown as KubeObject;
    } catch (err) {
      throw new BadRequestError(
        `the server rejected our request due to an error in our request: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  if (
    contentType === "application/merge-patch+json" ||
    contentType === "application/strategic-merge-patch+json"
  ) {
    const value = decodeValue(patch, "json");
    if (!isPlainObject(value)) throw new BadRequestError("patch must be a JSON object");
    return mergePatch(current, value) as KubeObject;
  }
  throw new UnsupportedMediaTypeError(contentType);
};
