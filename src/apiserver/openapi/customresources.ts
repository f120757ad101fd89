// OpenAPI definitions of custom resources from their CRD schemas, as Kubernetes publishes them:
// the schema with apiVersion/kind/metadata filled in, the List kind, and for v2 (kubectl 1.20's
// client-side validation) the structural-to-v2 simplifications (no junctors, nullable and
// preserve-unknown-fields nodes untyped and open).
import { type CustomResourceDef, isCustomResourceDef } from "../../api/apiextensions/customresource.ts";
import type { JsonSchema } from "../../api/apiextensions/types.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { Schema } from "../../api/schema/types.ts";
import { syntheticDefinitionName } from "./operations.ts";

export type OpenApiFlavor = "v2" | "v3";

const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";
const apiVersionProp = {
  description:
    "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
  type: "string",
};
const kindProp = {
  description:
    "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
  type: "string",
};

function toV2(s: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...s };
  delete out.allOf;
  delete out.anyOf;
  delete out.oneOf;
  delete out.not;
  delete out["x-kubernetes-validations"];
  if (out.nullable) {
    delete out.type;
    delete out.nullable;
    delete out.items;
    delete out.properties;
  }
  if (out["x-kubernetes-preserve-unknown-fields"]) {
    delete out.items;
    delete out.properties;
  }
  if (out.type === "array" && out.items === undefined) delete out.type;
  if (out.properties) {
    const props: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(out.properties)) props[k] = toV2(v);
    out.properties = props;
    const nullable = Object.entries(s.properties ?? {})
      .filter(([, v]) => v.nullable)
      .map(([k]) => k);
    if (out.required && nullable.length > 0) out.required = out.required.filter((r) => !nullable.includes(r));
  }
  if (out.items && !Array.isArray(out.items)) out.items = toV2(out.items);
  if (typeof out.additionalProperties === "object") out.additionalProperties = toV2(out.additionalProperties);
  return out;
}

function kindSchema(def: CustomResourceDef, flavor: OpenApiFlavor): Schema {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const raw = def.customResource.schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const schema = flavor === "v2" ? toV2(raw) : { ...raw };
  const properties: Record<string, unknown> = {
    apiVersion: apiVersionProp,
    kind: kindProp,
    metadata: { $ref: `#/definitions/${meta}.ObjectMeta` },
    ...Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => k !== "metadata")),
  };
  return {
    ...schema,
    type: "object",
    properties,
    "x-kubernetes-group-version-kind": [gvk],
  } as unknown as Schema;
}

function listSchema(def: CustomResourceDef, kindName: string): Schema {
  const listKind = def.listKind ?? `${def.kind}List`;
  return {
    description: `${listKind} is a list of ${def.kind}`,
    type: "object",
    required: ["items"],
    properties: {
      apiVersion: apiVersionProp,
      items: {
        description: `List of ${def.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: "array",
        items: { $ref: `#/definitions/${kindName}` },
      },
      kind: kindProp,
      metadata: { $ref: `#/definitions/${meta}.ListMeta` },
    },
    "x-kubernetes-group-version-kind": [{ group: def.group, version: def.version, kind: listKind }],
  } as unknown as Schema;
}

/** The kind and list definitions of a custom resource; empty for other resources. */
export function customResourceDefinitionsFor(
  def: ResourceDef,
  flavor: OpenApiFlavor,
): Record<string, Schema> {
  if (!isCustomResourceDef(def)) return {};
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const kindName = syntheticDefinitionName(gvk);
  const listName = syntheticDefinitionName({ ...gvk, kind: def.listKind ?? `${def.kind}List` });
  return { [kindName]: kindSchema(def, flavor), [listName]: listSchema(def, kindName) };
}
