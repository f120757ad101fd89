// The OpenAPI v2 schema subset our definitions use (the same objects serve v3 after $ref rewriting).

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Schema {
  description?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  $ref?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  "x-kubernetes-group-version-kind"?: GroupVersionKind[];
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
}

/** Definition name → schema, e.g. `io.k8s.api.core.v1.Pod`. */
export type Definitions = Readonly<Record<string, Schema>>;

export const definitionRefPrefix = "#/definitions/";

/** The definition name a `$ref` points at (`#/definitions/X` → `X`). */
export function refTarget(ref: string): string {
  return ref.startsWith(definitionRefPrefix) ? ref.slice(definitionRefPrefix.length) : ref;
}
