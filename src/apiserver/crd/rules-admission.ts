// Refuses a CustomResourceDefinition whose `x-kubernetes-validations` rules (or their
// messageExpressions) do not compile: 422 at the rule's path in the version's schema, e.g.
// `spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule`.
import {
  apiextensionsGroup,
  type CustomResourceDefinition,
  versionSchema,
} from "../../api/apiextensions/types.ts";
import { InvalidError } from "../../api/errors.ts";
import { FieldPath, fieldErrors } from "../../api/field.ts";
import type { AdmissionPlugin } from "../admission.ts";
import { compileRules, type RuleCompileError } from "./validation-rules.ts";

export function crdValidationRulesErrors(crd: CustomResourceDefinition): RuleCompileError[] {
  const errors: RuleCompileError[] = [];
  (crd.spec?.versions ?? []).forEach((version, i) => {
    const schema = versionSchema(version);
    if (!schema) return;
    const at = FieldPath.root("spec").child("versions").index(i).child("schema").child("openAPIV3Schema");
    compileRules(schema, at, errors);
  });
  return errors;
}

export const crdValidationRulesAdmission: AdmissionPlugin = {
  name: "CustomResourceValidationRules",
  validate(attrs) {
    if (attrs.def.group !== apiextensionsGroup || attrs.def.resource !== "customresourcedefinitions") return;
    if (!attrs.object || attrs.operation === "DELETE") return;
    const crd = attrs.object as CustomResourceDefinition;
    const errors = crdValidationRulesErrors(crd);
    if (errors.length === 0) return;
    throw new InvalidError(
      attrs.def.group,
      attrs.def.kind,
      crd.metadata?.name ?? "",
      errors.map((e) => fieldErrors.invalid(e.path, e.value, e.detail)),
    );
  },
};
