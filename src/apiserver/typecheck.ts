// Type checking of decoded objects against the OpenAPI definitions, the part of Kubernetes'
// Go decoding that rejects `replicas: "three"` or `ports: 80` with 400 before any strategy runs.
import { BadRequestError } from "../api/errors.ts";
import { isPlainObject } from "../api/object.ts";
import { definitionNameForKind, definitions } from "../api/schema/definitions.ts";
import { refTarget, type Schema } from "../api/schema/types.ts";

const anything = new Set([
  "io.k8s.apimachinery.pkg.runtime.RawExtension",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
]);
const quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return "object";
  return typeof value;
}

function goTypeName(schema: Schema): string {
  switch (schema.type) {
    case "integer":
      return schema.format ?? "int64";
    case "number":
      return "float64";
    case "boolean":
      return "bool";
    case "array":
      return "array";
    case "object":
      return "object";
    default:
      return "string";
  }
}

interface Mismatch {
  path: string;
  got: string;
  want: string;
}

function check(
  schema: Schema | undefined,
  value: unknown,
  path: string,
  depth: number,
): Mismatch | undefined {
  if (!schema || value === null || value === undefined || depth > 64) return undefined;
  if (schema.$ref) {
    const name = refTarget(schema.$ref);
    if (anything.has(name)) return undefined;
    if (name === quantity) {
      return typeof value === "string" || typeof value === "number"
        ? undefined
        : { path, got: jsonTypeName(value), want: "Quantity" };
    }
    if (name === intOrString) {
      return typeof value === "string" || (typeof value === "number" && Number.isInteger(value))
        ? undefined
        : { path, got: jsonTypeName(value), want: "IntOrString" };
    }
    return check(definitions()[name], value, path, depth + 1);
  }
  if (schema["x-kubernetes-preserve-unknown-fields"] || schema["x-kubernetes-int-or-string"])
    return undefined;
  const mismatch = (): Mismatch => ({ path, got: jsonTypeName(value), want: goTypeName(schema) });
  switch (schema.type) {
    case "string":
      return typeof value === "string" ? undefined : mismatch();
    case "boolean":
      return typeof value === "boolean" ? undefined : mismatch();
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? undefined : mismatch();
    case "number":
      return typeof value === "number" ? undefined : mismatch();
    case "array": {
      if (!Array.isArray(value)) return mismatch();
      for (const [i, item] of value.entries()) {
        const m = check(schema.items, item, `${path}[${i}]`, depth + 1);
        if (m) return m;
      }
      return undefined;
    }
    case "object":
    case undefined: {
      if (!schema.properties && !schema.additionalProperties) return undefined;
      if (!isPlainObject(value)) return mismatch();
      for (const [k, v] of Object.entries(value)) {
        const sub =
          schema.properties?.[k] ??
          (isPlainObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined);
        const m = check(sub, v, path === "" ? k : `${path}.${k}`, depth + 1);
        if (m) return m;
      }
      return undefined;
    }
  }
  return undefined;
}

/** Throws 400 BadRequest like Kubernetes' decoder when a field has the wrong JSON type. */
export function checkTypes(group: string, version: string, kind: string, obj: unknown): void {
  const name = definitionNameForKind(group, version, kind);
  if (!name) return;
  const m = check(definitions()[name], obj, "", 0);
  if (m) {
    throw new BadRequestError(
      `${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${m.got} into Go struct field ${kind}.${m.path} of type ${m.want}`,
    );
  }
}
