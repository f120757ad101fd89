// JSON merge patch (RFC 7386), as `application/merge-patch+json` (kubectl scale sends it).
import { isJsonObject, type JsonObject, type JsonValue } from "./json.ts";

/**
 * Applies `patch` to `original` per RFC 7386: objects merge recursively, `null` deletes a member,
 * anything else (arrays included) replaces. Inputs are never mutated.
 */
export function applyMergePatch(original: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const target: JsonObject = isJsonObject(original) ? { ...original } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
    } else {
      target[key] = applyMergePatch(target[key], value);
    }
  }
  // Members copied from `original` are still shared; clone them so callers may mutate the result.
  for (const key of Object.keys(target)) {
    if (!Object.hasOwn(patch, key)) target[key] = structuredClone(target[key] as JsonValue);
  }
  return target;
}
