// The merge metadata of a custom resource for server-side apply (PatchSchema over the CRD schema):
// x-kubernetes-list-type/list-map-keys/map-type as declared, lists atomic otherwise, and ObjectMeta's
// own metadata for metadata (labels, finalizers, ownerReferences merge as for built-in kinds).
import type { PatchSchema } from "../patchschema.ts";
import { patchSchemaForDefinition } from "../schema/patch-schema.ts";
import { itemsOf, type JsonSchema } from "./types.ts";

const objectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

class CustomSchemaNode implements PatchSchema {
  readonly listType?: PatchSchema["listType"];
  readonly listMapKeys?: readonly string[];
  readonly mapType?: PatchSchema["mapType"];

  constructor(
    private readonly schema: JsonSchema,
    private readonly embedded: boolean,
  ) {
    const listType = schema["x-kubernetes-list-type"];
    if (listType === "atomic" || listType === "set" || listType === "map") this.listType = listType;
    else if (schema.type === "array") this.listType = "atomic";
    if (schema["x-kubernetes-list-map-keys"]) this.listMapKeys = schema["x-kubernetes-list-map-keys"];
    const mapType = schema["x-kubernetes-map-type"];
    if (mapType === "atomic" || mapType === "granular") this.mapType = mapType;
  }

  field(name: string): PatchSchema | undefined {
    if (name === "metadata" && (this.embedded || this.schema["x-kubernetes-embedded-resource"])) {
      return patchSchemaForDefinition(objectMeta);
    }
    const property = this.schema.properties?.[name];
    return property ? new CustomSchemaNode(property, false) : undefined;
  }

  items(): PatchSchema | undefined {
    const items = itemsOf(this.schema);
    if (items) return new CustomSchemaNode(items, false);
    const additional = this.schema.additionalProperties;
    return typeof additional === "object" ? new CustomSchemaNode(additional, false) : undefined;
  }
}

/** The patch schema of a custom resource; undefined without a schema. */
export function customResourcePatchSchema(schema: JsonSchema | undefined): PatchSchema | undefined {
  return schema ? new CustomSchemaNode(schema, true) : undefined;
}
