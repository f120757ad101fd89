// Pruning and defaulting of custom resources by their structural schema, as the apiextensions
// server does while decoding: fields the schema does not specify are dropped (reported as
// `spec.foo`, what fieldValidation Strict/Warn talk about), then `default:` values fill gaps.
import { isPlainObject } from "../object.ts";
import { itemsOf, type JsonSchema } from "./types.ts";

function child(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

const rootFields = new Set(["apiVersion", "kind", "metadata"]);

/** Paths of the fields `pruneObject` would drop, without changing anything. */
export function unknownFieldPaths(schema: JsonSchema | undefined, obj: unknown): string[] {
  const out: string[] = [];
  walk(schema, obj, "", true, out, false);
  return out;
}

/** Drops the unknown fields of a whole custom resource (apiVersion, kind and metadata stay). */
export function pruneObject(schema: JsonSchema | undefined, obj: unknown): string[] {
  const out: string[] = [];
  walk(schema, obj, "", true, out, true);
  return out;
}

function walk(
  s: JsonSchema | undefined,
  value: unknown,
  path: string,
  root: boolean,
  out: string[],
  remove: boolean,
): void {
  if (!s) return;
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (items)
      for (const [i, item] of value.entries()) walk(items, item, `${path}[${i}]`, false, out, remove);
    return;
  }
  if (!isPlainObject(value)) return;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = root || s["x-kubernetes-embedded-resource"] === true;
  const additional = s.additionalProperties;
  for (const key of Object.keys(value)) {
    const at = child(path, key);
    const prop = s.properties?.[key];
    if (prop) walk(prop, value[key], at, false, out, remove);
    else if (typeof additional === "object") walk(additional, value[key], at, false, out, remove);
    else if (embedded && rootFields.has(key)) continue;
    else if (!preserve && additional !== true) {
      out.push(at);
      if (remove) delete value[key];
    }
  }
}

/** Applies `default:` values (and drops nulls of non-nullable fields first, as Kubernetes does). */
export function applyDefaults(s: JsonSchema | undefined, value: unknown): void {
  if (!s) return;
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (items) for (const item of value) applyDefaults(items, item);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (value[key] === null && !prop.nullable) delete value[key];
    if (value[key] === undefined && prop.default !== undefined) value[key] = structuredClone(prop.default);
    if (value[key] !== undefined) applyDefaults(prop, value[key]);
  }
  const additional = s.additionalProperties;
  if (typeof additional === "object") {
    for (const key of Object.keys(value)) {
      if (!s.properties?.[key]) applyDefaults(additional, value[key]);
    }
  }
}
