// Structural-schema rules for CRD schemas (apiextensions' ValidateStructural and
// validateCustomResourceDefinitionOpenAPISchema subset): every specified field has a type, arrays
// have items, the root is an object, metadata may restrict only name and generateName.
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import { itemsOf, type JsonSchema } from "./types.ts";
import { validateValue } from "./validate-value.ts";

const types = ["array", "boolean", "integer", "number", "object", "string"];

/** Errors of the schema at `at` (`spec.versions[0].schema.openAPIV3Schema`). */
export function validateStructuralSchema(schema: JsonSchema, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (schema.type !== "object") {
    errs.push(
      schema.type === undefined
        ? fieldErrors.required(at.child("type"), "must not be empty at the root")
        : fieldErrors.invalid(at.child("type"), schema.type, "must be object at the root"),
    );
  }
  const metadata = schema.properties?.metadata;
  if (metadata) {
    const allowed = new Set(["name", "generateName"]);
    const extra = Object.keys(metadata.properties ?? {}).some((k) => !allowed.has(k));
    if (extra || metadata.type !== "object" || metadata.additionalProperties !== undefined) {
      errs.push(
        fieldErrors.forbidden(
          at.child("properties").key("metadata"),
          "must not specify anything other than name and generateName, but metadata is implicitly specified",
        ),
      );
    }
  }
  walk(schema, at, true, errs);
  return errs;
}

function walk(s: JsonSchema, at: FieldPath, root: boolean, errs: FieldError[]): void {
  const preserve = s["x-kubernetes-preserve-unknown-fields"];
  if (preserve === false)
    errs.push(
      fieldErrors.invalid(
        at.child("x-kubernetes-preserve-unknown-fields"),
        false,
        "must be true or undefined",
      ),
    );
  if (s.type !== undefined && !types.includes(s.type)) {
    errs.push(fieldErrors.notSupported(at.child("type"), s.type, types));
  }
  if (s["x-kubernetes-int-or-string"] && s.type !== undefined) {
    errs.push(
      fieldErrors.invalid(at.child("type"), s.type, "must be empty if x-kubernetes-int-or-string is true"),
    );
  }
  if (!root && s.type === undefined && !preserve && !s["x-kubernetes-int-or-string"]) {
    errs.push(fieldErrors.required(at.child("type"), "must not be empty for specified object fields"));
  }
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push(
      fieldErrors.forbidden(
        at.child("additionalProperties"),
        "additionalProperties and properties are mutual exclusive",
      ),
    );
  }
  if (s.$ref !== undefined) errs.push(fieldErrors.forbidden(at.child("$ref"), "$ref is not supported"));
  if (s["x-kubernetes-embedded-resource"] && s.type !== "object") {
    errs.push(
      fieldErrors.required(at.child("type"), "must be object if x-kubernetes-embedded-resource is true"),
    );
  }
  if (Array.isArray(s.items)) {
    errs.push(fieldErrors.forbidden(at.child("items"), "items must be a schema object and not an array"));
  }
  if (s.type === "array" && s.items === undefined) {
    errs.push(fieldErrors.required(at.child("items"), "must be specified"));
  }
  const listType = s["x-kubernetes-list-type"];
  if (listType !== undefined && !["atomic", "set", "map"].includes(listType)) {
    errs.push(
      fieldErrors.notSupported(at.child("x-kubernetes-list-type"), listType, ["atomic", "set", "map"]),
    );
  }
  if (listType === "map" && (s["x-kubernetes-list-map-keys"] ?? []).length === 0) {
    errs.push(
      fieldErrors.required(
        at.child("x-kubernetes-list-map-keys"),
        "must not be empty if x-kubernetes-list-type is map",
      ),
    );
  }
  if (s.default !== undefined) {
    // A default must itself be valid by the schema it defaults (checked as Kubernetes does at CRD write).
    for (const e of validateValue(s, s.default, "default")) {
      errs.push(fieldErrors.invalid(at.child("default"), s.default, e.detail ?? e.type));
    }
  }
  for (const [name, prop] of Object.entries(s.properties ?? {}))
    walk(prop, at.child("properties").key(name), false, errs);
  const items = itemsOf(s);
  if (items) walk(items, at.child("items"), false, errs);
  if (typeof s.additionalProperties === "object")
    walk(s.additionalProperties, at.child("additionalProperties"), false, errs);
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    for (const [i, sub] of (s[key] ?? []).entries()) junctor(sub, at.child(key).index(i), errs);
  }
  if (s.not) junctor(s.not, at.child("not"), errs);
}

/** Inside allOf/anyOf/oneOf/not only value validations are allowed (no types, no defaults). */
function junctor(s: JsonSchema, at: FieldPath, errs: FieldError[]): void {
  if (s.type !== undefined)
    errs.push(fieldErrors.forbidden(at.child("type"), "must be empty to be structural"));
  if (s.default !== undefined)
    errs.push(fieldErrors.forbidden(at.child("default"), "must be undefined to be structural"));
  for (const [name, prop] of Object.entries(s.properties ?? {}))
    junctor(prop, at.child("properties").key(name), errs);
}
