// The schemas the strict decoder (src/api/schema/unknown-fields.ts) uses for custom resources, kept
// while their CRDs are served: the CRD schema completed with apiVersion, kind and ObjectMeta (also
// for embedded resources), so fieldValidation, patch pruning and server-side apply treat custom
// resources as Kubernetes does (`unknown field "spec.foo"`, `field not declared in schema`).
import type { Schema } from "../schema/types.ts";
import { itemsOf, type JsonSchema } from "./types.ts";

const objectMeta = { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" };
const typeMeta = { apiVersion: { type: "string" }, kind: { type: "string" } };

const registered = new Map<string, Schema>();

function key(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function complete(s: JsonSchema, embedded: boolean): JsonSchema {
  const out: JsonSchema = { ...s };
  if (s.properties) {
    const props: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = complete(v, false);
    out.properties = props;
  }
  if (embedded || s["x-kubernetes-embedded-resource"]) {
    out.type = "object";
    out.properties = { ...typeMeta, ...(out.properties ?? {}), metadata: objectMeta as JsonSchema };
  }
  const items = itemsOf(s);
  if (items) out.items = complete(items, false);
  if (typeof s.additionalProperties === "object")
    out.additionalProperties = complete(s.additionalProperties, false);
  return out;
}

/** Starts (schema given) or stops (undefined) strict decoding of a custom kind. */
export function registerCustomKindSchema(
  gvk: { group: string; version: string; kind: string },
  schema: JsonSchema | undefined,
): void {
  const k = key(gvk.group, gvk.version, gvk.kind);
  if (schema) registered.set(k, complete(schema, true) as Schema);
  else registered.delete(k);
}

/** The strict-decoding schema of a served custom kind, if any. */
export function customKindSchema(group: string, version: string, kind: string): Schema | undefined {
  return registered.get(key(group, version, kind));
}
