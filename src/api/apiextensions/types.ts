// apiextensions.k8s.io/v1 shapes as the server handles them: the CRD (kubernetes-types, made a
// KubeObject) and JSONSchemaProps as a plain JSON structure the validators walk.
import type {
  CustomResourceDefinition as CrdV1,
  CustomResourceDefinitionCondition,
  CustomResourceDefinitionVersion,
} from "kubernetes-types/apiextensions/v1.js";
import type { KubeObject } from "../object.ts";

export type CustomResourceDefinition = CrdV1 & KubeObject;
export type CrdVersion = CustomResourceDefinitionVersion;
export type CrdCondition = CustomResourceDefinitionCondition;

export const apiextensionsGroup = "apiextensions.k8s.io";
/** The finalizer that makes deleting a CRD delete its custom resources first. */
export const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

/** The JSON-Schema subset of CRDs (OpenAPI v3 with Kubernetes extensions). */
export interface JsonSchema {
  type?: string;
  format?: string;
  description?: string;
  title?: string;
  default?: unknown;
  enum?: unknown[];
  nullable?: boolean;
  maximum?: number;
  minimum?: number;
  exclusiveMaximum?: boolean;
  exclusiveMinimum?: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  not?: JsonSchema;
  $ref?: string;
  example?: unknown;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
  "x-kubernetes-validations"?: unknown[];
}

/** The items schema when it is a single schema (structural schemas never use the array form). */
export function itemsOf(s: JsonSchema): JsonSchema | undefined {
  return Array.isArray(s.items) ? undefined : s.items;
}

/** The schema a CRD version validates with (per-version schema). */
export function versionSchema(version: CrdVersion): JsonSchema | undefined {
  return version.schema?.openAPIV3Schema as JsonSchema | undefined;
}
