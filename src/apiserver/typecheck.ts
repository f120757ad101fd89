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

/**
 * Where a value sits, built into `a.b[0].c` only for a mismatch: every write checks every field,
 * and almost none mismatch.
 */
interface At {
  parent: At | undefined;
  key: string | number;
}

function pathOf(at: At | undefined): string {
  if (at === undefined) return "";
  const parent = pathOf(at.parent);
  if (typeof at.key === "number") return `${parent}[${at.key}]`;
  return parent === "" ? at.key : `${parent}.${at.key}`;
}

/** Definition names by $ref, so a ref is not sliced on every visit. */
const refNames = new Map<string, string>();

function refName(ref: string): string {
  let name = refNames.get(ref);
  if (name === undefined) {
    name = refTarget(ref);
    refNames.set(ref, name);
  }
  return name;
}

function check(
  schema: Schema | undefined,
  value: unknown,
  at: At | undefined,
  depth: number,
): Mismatch | undefined {
  if (!schema || value === null || value === undefined || depth > 64) return undefined;
  if (schema.$ref) {
    const name = refName(schema.$ref);
    if (anything.has(name)) return undefined;
    if (name === quantity) {
      return typeof value === "string" || typeof value === "number"
        ? undefined
        : { path: pathOf(at), got: jsonTypeName(value), want: "Quantity" };
    }
    if (name === intOrString) {
      return typeof value === "string" || (typeof value === "number" && Number.isInteger(value))
        ? undefined
        : { path: pathOf(at), got: jsonTypeName(value), want: "IntOrString" };
    }
    return check(definitions()[name], value, at, depth + 1);
  }
  if (schema["x-kubernetes-preserve-unknown-fields"] || schema["x-kubernetes-int-or-string"])
    return undefined;
  const mismatch = (): Mismatch => ({ path: pathOf(at), got: jsonTypeName(value), want: goTypeName(schema) });
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
      for (let i = 0; i < value.length; i++) {
        const m = check(schema.items, value[i], { parent: at, key: i }, depth + 1);
        if (m) return m;
      }
      return undefined;
    }
    case "object":
    case undefined: {
      if (!schema.properties && !schema.additionalProperties) return undefined;
      if (!isPlainObject(value)) return mismatch();
      const extra = isPlainObject(schema.additionalProperties)
        ? (schema.additionalProperties as Schema)
        : undefined;
      for (const k of Object.keys(value)) {
        const sub =
          (schema.properties && Object.hasOwn(schema.properties, k) ? schema.properties[k] : undefined) ??
          extra;
        const m = check(sub, value[k], { parent: at, key: k }, depth + 1);
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
  const m = check(definitions()[name], obj, undefined, 0);
  if (m) {
    throw new BadRequestError(
      `${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${m.got} into Go struct field ${kind}.${m.path} of type ${m.want}`,
    );
  }
}
