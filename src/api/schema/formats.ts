// Number and string formats the declarations cannot express: TypeScript's `number` is an int32,
// int64 or double in Go, and a few strings are date-times or base64 bytes.
import type { Schema } from "./types.ts";

/** Fields that are int64 in Kubernetes' Go types (every other integer field is int32). */
const int64Fields = new Set([
  "activeDeadlineSeconds",
  "deletionGracePeriodSeconds",
  "expirationSeconds",
  "fsGroup",
  "generation",
  "gracePeriodSeconds",
  "limitBytes",
  "maxItems",
  "maxLength",
  "maxProperties",
  "minItems",
  "minLength",
  "minProperties",
  "observedGeneration",
  "remainingItemCount",
  "revision",
  "runAsGroup",
  "runAsUser",
  "seconds",
  "sinceSeconds",
  "sizeBytes",
  "startingDeadlineSeconds",
  "supplementalGroups",
  "tailLines",
  "terminationGracePeriodSeconds",
  "tolerationSeconds",
]);

/** float64 fields (JSONSchemaProps' numeric bounds). */
const doubleFields = new Set(["maximum", "minimum", "multipleOf"]);

/** Definitions that are strings with a format. */
export const stringFormats: Readonly<Record<string, string>> = {
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "date-time",
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "date-time",
};

/** Base64 `[]byte` fields (maps of them for Secret.data and ConfigMap.binaryData). */
const byteFields: Readonly<Record<string, readonly string[]>> = {
  "io.k8s.api.core.v1.Secret": ["data"],
  "io.k8s.api.core.v1.ConfigMap": ["binaryData"],
  "io.k8s.api.certificates.v1.CertificateSigningRequestSpec": ["request"],
  "io.k8s.api.certificates.v1.CertificateSigningRequestStatus": ["certificate"],
  "io.k8s.api.admissionregistration.v1.WebhookClientConfig": ["caBundle"],
};

/** The schema for a declared `number` (possibly inside arrays or maps) of the named field. */
export function numberSchema(field: string): Schema {
  if (doubleFields.has(field)) return { type: "number", format: "double" };
  return { type: "integer", format: int64Fields.has(field) ? "int64" : "int32" };
}

export function isByteField(definition: string, field: string): boolean {
  return byteFields[definition]?.includes(field) ?? false;
}
