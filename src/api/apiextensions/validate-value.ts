// Validation of a custom resource against its CRD's OpenAPI v3 schema, with the messages and
// field paths Kubernetes' kube-openapi validator produces (`spec.replicas in body must be of
// type integer: "string"`, `Required value`, `Unsupported value`, bounds, patterns, formats).
import { type FieldError, fieldErrors } from "../field.ts";
import { isPlainObject } from "../object.ts";
import { checkFormat } from "./formats.ts";
import { itemsOf, type JsonSchema } from "./types.ts";

/** Go's name for a JSON value's type, as kube-openapi reports it. */
export function jsonType(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value === "object" ? "object" : typeof value;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "object":
      return isPlainObject(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    default:
      return true;
  }
}

function child(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function goValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? "null");
}

/** Validates `value` at `path` (`""` is the object root). */
export function validateValue(schema: JsonSchema | undefined, value: unknown, path = ""): FieldError[] {
  const errs: FieldError[] = [];
  if (schema) walk(schema, value, path, errs);
  return errs;
}

function walk(s: JsonSchema, value: unknown, path: string, errs: FieldError[]): void {
  const name = path === "" ? "<root>" : path;
  if (value === null || value === undefined) {
    if (value === null && !s.nullable && s.type) {
      errs.push(fieldErrors.typeInvalid(path, "null", `${name} in body must be of type ${s.type}: "null"`));
    }
    return;
  }
  if (s["x-kubernetes-int-or-string"]) {
    if (!(typeof value === "string" || (typeof value === "number" && Number.isInteger(value)))) {
      errs.push(
        fieldErrors.typeInvalid(
          path,
          jsonType(value),
          `${name} in body must be of type integer,string: ${JSON.stringify(jsonType(value))}`,
        ),
      );
      return;
    }
  } else if (s.type && !typeMatches(s.type, value)) {
    errs.push(
      fieldErrors.typeInvalid(
        path,
        jsonType(value),
        `${name} in body must be of type ${s.type}: ${JSON.stringify(jsonType(value))}`,
      ),
    );
    return;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errs.push(
      fieldErrors.notSupported(
        path,
        value,
        s.enum.map((e) => (typeof e === "string" ? e : goValue(e))),
      ),
    );
  }
  if (typeof value === "number") numberChecks(s, value, path, name, errs);
  if (typeof value === "string") stringChecks(s, value, path, name, errs);
  if (Array.isArray(value)) arrayChecks(s, value, path, name, errs);
  if (isPlainObject(value)) objectChecks(s, value, path, name, errs);
  combinators(s, value, path, name, errs);
}

function numberChecks(s: JsonSchema, v: number, path: string, name: string, errs: FieldError[]): void {
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
    const how = s.exclusiveMaximum ? "less than" : "less than or equal to";
    errs.push(fieldErrors.invalid(path, v, `${name} in body should be ${how} ${s.maximum}`));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
    const how = s.exclusiveMinimum ? "greater than" : "greater than or equal to";
    errs.push(fieldErrors.invalid(path, v, `${name} in body should be ${how} ${s.minimum}`));
  }
  if (s.multipleOf !== undefined && s.multipleOf !== 0 && !Number.isInteger(v / s.multipleOf)) {
    errs.push(fieldErrors.invalid(path, v, `${name} in body should be a multiple of ${s.multipleOf}`));
  }
  if (s.format && !checkFormat(s.format, v)) {
    errs.push(fieldErrors.invalid(path, v, `${name} in body must be of type ${s.format}: ${goValue(v)}`));
  }
}

function stringChecks(s: JsonSchema, v: string, path: string, name: string, errs: FieldError[]): void {
  const length = [...v].length;
  if (s.maxLength !== undefined && length > s.maxLength) errs.push(fieldErrors.tooLong(path, v, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) {
    errs.push(fieldErrors.invalid(path, v, `${name} in body should be at least ${s.minLength} chars long`));
  }
  if (s.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern, "u");
    } catch {
      re = undefined;
    }
    if (re && !re.test(v)) {
      errs.push(fieldErrors.invalid(path, v, `${name} in body should match '${s.pattern}'`));
    }
  }
  if (s.format && !checkFormat(s.format, v)) {
    errs.push(
      fieldErrors.invalid(path, v, `${name} in body must be of type ${s.format}: ${JSON.stringify(v)}`),
    );
  }
}

function arrayChecks(s: JsonSchema, v: unknown[], path: string, name: string, errs: FieldError[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems)
    errs.push(fieldErrors.tooMany(path, v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) {
    errs.push(
      fieldErrors.invalid(path, v.length, `${name} in body should have at least ${s.minItems} items`),
    );
  }
  const listType = s["x-kubernetes-list-type"];
  if (s.uniqueItems || listType === "set") {
    const seen = new Set<string>();
    for (const [i, item] of v.entries()) {
      const key = JSON.stringify(item);
      if (seen.has(key)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, item));
      seen.add(key);
    }
  }
  if (listType === "map") {
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    const seen = new Set<string>();
    for (const [i, item] of v.entries()) {
      if (!isPlainObject(item)) continue;
      const key = JSON.stringify(keys.map((k) => item[k]));
      if (seen.has(key)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, item));
      seen.add(key);
    }
  }
  const items = itemsOf(s);
  if (items) for (const [i, item] of v.entries()) walk(items, item, `${path}[${i}]`, errs);
}

function objectChecks(
  s: JsonSchema,
  v: Record<string, unknown>,
  path: string,
  name: string,
  errs: FieldError[],
): void {
  const count = Object.keys(v).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) {
    errs.push(fieldErrors.tooMany(path, count, s.maxProperties));
  }
  if (s.minProperties !== undefined && count < s.minProperties) {
    errs.push(
      fieldErrors.invalid(path, count, `${name} in body should have at least ${s.minProperties} properties`),
    );
  }
  for (const r of s.required ?? []) {
    if (!(r in v)) errs.push(fieldErrors.required(child(path, r)));
  }
  if (s["x-kubernetes-embedded-resource"]) {
    for (const f of ["apiVersion", "kind"]) {
      if (typeof v[f] !== "string" || v[f] === "") {
        errs.push(fieldErrors.required(child(path, f), "must not be empty"));
      }
    }
  }
  const additional = s.additionalProperties;
  for (const [key, item] of Object.entries(v)) {
    const prop = s.properties?.[key];
    if (prop) walk(prop, item, child(path, key), errs);
    else if (typeof additional === "object") walk(additional, item, child(path, key), errs);
  }
}

function combinators(s: JsonSchema, v: unknown, path: string, name: string, errs: FieldError[]): void {
  for (const sub of s.allOf ?? []) walk(sub, v, path, errs);
  if (s.anyOf && !s.anyOf.some((sub) => validateValue(sub, v, path).length === 0)) {
    errs.push(fieldErrors.invalid(path, v, `${name} in body must validate at least one schema (anyOf)`));
  }
  if (s.oneOf && s.oneOf.filter((sub) => validateValue(sub, v, path).length === 0).length !== 1) {
    errs.push(fieldErrors.invalid(path, v, `${name} in body must validate one and only one schema (oneOf)`));
  }
  if (s.not && validateValue(s.not, v, path).length === 0) {
    errs.push(fieldErrors.invalid(path, v, `${name} in body must not validate the schema (not)`));
  }
}
