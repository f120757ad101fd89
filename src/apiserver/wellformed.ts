// One walk that tells whether a decoded object of a built-in kind is certainly clean: no field its
// schema does not know (what the strict decoder reports) and no JSON type mismatch (what
// typecheck.ts rejects). Nearly every write is clean, and then neither of those walks, nor their
// path building, needs to run; anything doubtful answers false and the exact walks decide.
import { definitionNameForKind, definitions } from "../api/schema/definitions.ts";
import { freeFormDefinitions } from "../api/schema/patch-metadata.ts";
import { refTarget, type Schema } from "../api/schema/types.ts";

/** Skipped by typecheck.ts; the unknown-field walk skips freeFormDefinitions (a superset). */
const unchecked = new Set([
  "io.k8s.apimachinery.pkg.runtime.RawExtension",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
]);
const quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/** Resolved $refs: the schema, or a verdict for the special definitions. */
type Ref = Schema | "skip" | "doubt" | "quantity" | "intOrString";
const refs = new Map<string, Ref>();

function resolve(ref: string): Ref {
  let r = refs.get(ref);
  if (r === undefined) {
    const name = refTarget(ref);
    if (unchecked.has(name)) r = "skip";
    else if (freeFormDefinitions.has(name)) r = "doubt";
    else if (name === quantity) r = "quantity";
    else if (name === intOrString) r = "intOrString";
    else r = definitions()[name] ?? "skip";
    refs.set(ref, r);
  }
  return r;
}

/** The JSON values each scalar schema type accepts (as typecheck.ts decides them). */
const scalarTypes = new Map<string, (value: unknown) => boolean>([
  ["string", (v) => typeof v === "string"],
  ["boolean", (v) => typeof v === "boolean"],
  ["integer", (v) => typeof v === "number" && Number.isInteger(v)],
  ["number", (v) => typeof v === "number"],
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function clean(schema: Schema | undefined, value: unknown, depth: number): boolean {
  if (schema === undefined || value === null || value === undefined) return true;
  if (depth > 64) return false;
  if (schema.$ref) {
    const r = resolve(schema.$ref);
    if (r === "skip") return true;
    if (r === "doubt") return false;
    if (r === "quantity") return typeof value === "string" || typeof value === "number";
    if (r === "intOrString")
      return typeof value === "string" || (typeof value === "number" && Number.isInteger(value));
    return clean(r, value, depth + 1);
  }
  if (schema["x-kubernetes-preserve-unknown-fields"]) return true;
  if (schema["x-kubernetes-int-or-string"]) return typeof value !== "object";
  const scalar = schema.type === undefined ? undefined : scalarTypes.get(schema.type);
  if (scalar) return scalar(value);
  switch (schema.type) {
    case "array": {
      if (!Array.isArray(value)) return false;
      for (const item of value) if (!clean(schema.items, item, depth + 1)) return false;
      return true;
    }
    case "object":
    case undefined: {
      const { properties, additionalProperties } = schema;
      if (!isObject(value)) return !properties && !additionalProperties && typeof value !== "object";
      const extra = isObject(additionalProperties) ? (additionalProperties as Schema) : undefined;
      for (const key in value) {
        if (properties && Object.hasOwn(properties, key)) {
          if (!clean(properties[key], value[key], depth + 1)) return false;
        } else if (extra) {
          if (!clean(extra, value[key], depth + 1)) return false;
        } else if (additionalProperties !== true && schema.type === "object") {
          return false; // an unknown field
        }
      }
      return true;
    }
  }
  return false;
}

/**
 * True when `obj`, of a built-in kind, has no unknown field and no mistyped value. False says
 * only "maybe not": custom resources and doubtful shapes take the exact walks.
 */
export function wellFormed(group: string, version: string, kind: string, obj: unknown): boolean {
  const name = definitionNameForKind(group, version, kind);
  if (!name || !isObject(obj)) return false;
  return clean({ $ref: `#/definitions/${name}` }, obj, 0);
}
