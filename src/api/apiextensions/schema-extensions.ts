// The `x-kubernetes-*` members of JSONSchemaProps, which kubernetes-types (and so the generated
// definitions) leave out; without them a CRD using them would fail strict decoding, lose them to
// patch pruning and fail kubectl 1.20's client-side validation.
const validationRule =
  "#/definitions/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule";

export const jsonSchemaPropsName = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";

/** apiextensions JSON holds any JSON value: Kubernetes publishes it without a type (kubectl 1.20 checks it). */
export const anyJsonName = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON";

export const jsonSchemaPropsExtensions: Record<string, object> = {
  "x-kubernetes-embedded-resource": {
    description:
      "x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object, with TypeMeta and ObjectMeta.",
    type: "boolean",
  },
  "x-kubernetes-int-or-string": {
    description: "x-kubernetes-int-or-string specifies that this value is either an integer or a string.",
    type: "boolean",
  },
  "x-kubernetes-list-map-keys": {
    description:
      "x-kubernetes-list-map-keys annotates an array with the x-kubernetes-list-type `map` by specifying the keys used as the index of the map.",
    type: "array",
    items: { type: "string", default: "" },
    "x-kubernetes-list-type": "atomic",
  },
  "x-kubernetes-list-type": {
    description: "x-kubernetes-list-type annotates an array to further describe its topology.",
    type: "string",
  },
  "x-kubernetes-map-type": {
    description: "x-kubernetes-map-type annotates an object to further describe its topology.",
    type: "string",
  },
  "x-kubernetes-preserve-unknown-fields": {
    description:
      "x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema.",
    type: "boolean",
  },
  "x-kubernetes-validations": {
    description:
      "x-kubernetes-validations describes a list of validation rules written in the CEL expression language.",
    type: "array",
    items: { $ref: validationRule, default: {} },
    "x-kubernetes-list-map-keys": ["rule"],
    "x-kubernetes-list-type": "map",
    "x-kubernetes-patch-merge-key": "rule",
    "x-kubernetes-patch-strategy": "merge",
  },
};
