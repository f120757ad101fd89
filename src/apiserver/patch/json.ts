// Small helpers over plain JSON values shared by the patch engines: type guards, deep equality,
// cloning, Go-like rendering for error messages and request body decoding.
import type { JsonValue } from "../../api/object.ts";
import { isPlainObject } from "../../api/object.ts";

export type { JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** A value rendered roughly like Go's `%v` of decoded JSON, for messages copied from Kubernetes. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goValue).join(" ")}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${k}:${goValue(value[k])}`);
    return `map[${entries.join(" ")}]`;
  }
  return String(value);
}

/** Go's reflect type name of a decoded JSON value, as printed by mergepatch.ErrBadArgType. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return "[]interface {}";
  if (isPlainObject(value)) return "map[string]interface {}";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  return typeof value;
}

/** Decodes a request body (text or bytes) as JSON; `fail` builds the error thrown on bad input. */
export function parseJsonBody(body: string | Uint8Array, fail: (message: string) => Error): JsonValue {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw fail(err instanceof Error ? err.message : String(err));
  }
}
