// The OpenAPI v2 definitions of every kind in kubernetes-types: the generated raw definitions
// (scripts/gen-schemas.mjs) completed with our tables of integer formats and patch metadata.
// Built once on first use and shared (frozen); about 620 definitions.
import {
  anyJsonName,
  jsonSchemaPropsExtensions,
  jsonSchemaPropsName,
} from "../apiextensions/schema-extensions.ts";
import raw from "./definitions.generated.json" with { type: "json" };
import { isByteField, numberSchema, stringFormats } from "./formats.ts";
import { atomicStructs, type FieldPatchMetadata, fieldPatchMetadata } from "./patch-metadata.ts";
import type { Definitions, GroupVersionKind, Schema } from "./types.ts";

let cache: Definitions | undefined;
let byGvk: Map<string, string> | undefined;

/** All definitions by Kubernetes name (`io.k8s.api.apps.v1.Deployment`). */
export function definitions(): Definitions {
  if (!cache) cache = build(raw as unknown as Record<string, Schema>);
  return cache;
}

/** The definition name of a top-level kind, e.g. ("apps","v1","Deployment") → io.k8s.api.apps.v1.Deployment. */
export function definitionNameForKind(group: string, version: string, kind: string): string | undefined {
  if (!byGvk) {
    byGvk = new Map();
    for (const [name, def] of Object.entries(definitions())) {
      for (const gvk of def["x-kubernetes-group-version-kind"] ?? []) byGvk.set(gvkKey(gvk), name);
    }
  }
  return byGvk.get(gvkKey({ group, version, kind }));
}

function gvkKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

// kubernetes-types 1.30 leaves out the fields RuleWithOperations inlines from Rule in Go, so
// the codegen never sees them; without them webhook rules fail strict decoding.
const strings: Schema = { type: "array", items: { type: "string" } };
const ruleProperties: Record<string, Schema> = {
  resources: { description: "Resources is a list of resources this rule applies to.", ...strings },
  scope: {
    description: 'scope specifies the scope of this rule. Valid values are "Cluster", "Namespaced", and "*".',
    type: "string",
  },
};
const missingProperties: Record<string, Record<string, Schema>> = {
  "io.k8s.api.admissionregistration.v1.RuleWithOperations": ruleProperties,
  // Admission policies' rules (NamedRuleWithOperations) inline the same Rule.
  "io.k8s.api.admissionregistration.v1.NamedRuleWithOperations": ruleProperties,
};

function build(input: Record<string, Schema>): Definitions {
  const out: Record<string, Schema> = {};
  for (const [name, raw] of Object.entries(input)) {
    const extra = missingProperties[name];
    const def: Schema = extra ? { ...raw, properties: { ...raw.properties, ...extra } } : raw;
    const copy: Schema = { ...def };
    if (name === jsonSchemaPropsName) {
      copy.properties = { ...def.properties, ...(jsonSchemaPropsExtensions as Record<string, Schema>) };
    }
    if (name === anyJsonName) delete copy.type;
    const format = stringFormats[name];
    if (format) copy.format = format;
    if (atomicStructs.has(name)) copy["x-kubernetes-map-type"] = "atomic";
    if (copy.properties) {
      const patch = fieldPatchMetadata[name] ?? {};
      const properties: Record<string, Schema> = {};
      for (const [field, schema] of Object.entries(copy.properties)) {
        let completed = completeTypes(schema, field, isByteField(name, field));
        const meta = patch[field];
        if (meta) completed = withPatchMetadata(completed, meta);
        properties[field] = completed;
      }
      copy.properties = properties;
    }
    out[name] = deepFreeze(copy);
  }
  return Object.freeze(out);
}

/** Replaces the codegen's `{type:"number"}` with integer/int32|int64 or number/double. */
function completeTypes(schema: Schema, field: string, bytes: boolean): Schema {
  if (schema.type === "number") {
    const { description } = schema;
    return description ? { description, ...numberSchema(field) } : numberSchema(field);
  }
  if (schema.type === "string" && bytes) return { ...schema, format: "byte" };
  if (schema.items) return { ...schema, items: completeTypes(schema.items, field, bytes) };
  if (typeof schema.additionalProperties === "object") {
    return { ...schema, additionalProperties: completeTypes(schema.additionalProperties, field, bytes) };
  }
  return schema;
}

function withPatchMetadata(schema: Schema, meta: FieldPatchMetadata): Schema {
  const out: Schema = { ...schema };
  if (meta.listMapKeys) out["x-kubernetes-list-map-keys"] = [...meta.listMapKeys];
  if (meta.listType) out["x-kubernetes-list-type"] = meta.listType;
  if (meta.mapType) out["x-kubernetes-map-type"] = meta.mapType;
  if (meta.patchMergeKey) out["x-kubernetes-patch-merge-key"] = meta.patchMergeKey;
  if (meta.patchStrategy) out["x-kubernetes-patch-strategy"] = meta.patchStrategy;
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
