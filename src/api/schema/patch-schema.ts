// PatchSchema (src/api/patchschema.ts) over our OpenAPI definitions: what strategic merge patch
// needs to know about each field of a kind, resolving $refs lazily as the patch walks down.
import type { PatchSchema } from "../patchschema.ts";
import { definitionNameForKind, definitions } from "./definitions.ts";
import { type Definitions, refTarget, type Schema } from "./types.ts";

const cache = new Map<string, PatchSchema | undefined>();

/** The patch schema of a top-level kind, or undefined for kinds without a definition (CRDs). */
export function patchSchemaFor(group: string, version: string, kind: string): PatchSchema | undefined {
  const key = `${group}/${version}/${kind}`;
  if (!cache.has(key)) {
    const name = definitionNameForKind(group, version, kind);
    const defs = definitions();
    const def = name ? defs[name] : undefined;
    cache.set(key, def ? new SchemaNode(def, defs) : undefined);
  }
  return cache.get(key);
}

/** The patch schema of a definition by name (for embedded types and tests). */
export function patchSchemaForDefinition(name: string): PatchSchema | undefined {
  const defs = definitions();
  const def = defs[name];
  return def ? new SchemaNode(def, defs) : undefined;
}

class SchemaNode implements PatchSchema {
  readonly patchStrategy?: PatchSchema["patchStrategy"];
  readonly patchMergeKey?: string;
  readonly listType?: PatchSchema["listType"];
  readonly listMapKeys?: readonly string[];
  readonly mapType?: PatchSchema["mapType"];
  private readonly resolved: Schema;

  /** `schema` is a property (or items) schema: its extensions describe the field itself. */
  constructor(
    schema: Schema,
    private readonly defs: Definitions,
  ) {
    this.resolved = (schema.$ref ? defs[refTarget(schema.$ref)] : undefined) ?? schema;
    const strategy = schema["x-kubernetes-patch-strategy"];
    if (strategy) this.patchStrategy = strategy as PatchSchema["patchStrategy"];
    if (schema["x-kubernetes-patch-merge-key"]) this.patchMergeKey = schema["x-kubernetes-patch-merge-key"];
    if (schema["x-kubernetes-list-type"]) this.listType = schema["x-kubernetes-list-type"];
    if (schema["x-kubernetes-list-map-keys"]) this.listMapKeys = schema["x-kubernetes-list-map-keys"];
    const mapType = schema["x-kubernetes-map-type"] ?? this.resolved["x-kubernetes-map-type"];
    if (mapType) this.mapType = mapType;
  }

  field(name: string): PatchSchema | undefined {
    const property = this.resolved.properties?.[name];
    return property ? new SchemaNode(property, this.defs) : undefined;
  }

  items(): PatchSchema | undefined {
    const { items, additionalProperties } = this.resolved;
    if (items) return new SchemaNode(items, this.defs);
    if (typeof additionalProperties === "object") return new SchemaNode(additionalProperties, this.defs);
    return undefined;
  }
}
