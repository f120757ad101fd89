import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateBindingSpec, validatePolicySpec } from "./policy-validation.ts";

const rules = {
  resourceRules: [
    { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"] },
  ],
};
const fields = (errs: { type: string; field: string }[]) => errs.map((e) => `${e.type} ${e.field}`);

describe("ValidatingAdmissionPolicy validation", () => {
  it("accepts a minimal policy", () => {
    assert.deepEqual(
      validatePolicySpec({ matchConstraints: rules, validations: [{ expression: "true" }] }),
      [],
    );
  });

  it("requires validations or auditAnnotations, match constraints with rules, and checks enums", () => {
    assert.deepEqual(
      fields(
        validatePolicySpec({
          failurePolicy: "Maybe",
          matchConstraints: {},
          validations: [],
          variables: [{ name: "1x", expression: "1" }],
          matchConditions: [
            { name: "a", expression: "true" },
            { name: "a", expression: "" },
          ],
        }),
      ),
      [
        "FieldValueRequired spec.validations",
        "FieldValueNotSupported spec.failurePolicy",
        "FieldValueRequired spec.matchConstraints.resourceRules",
        "FieldValueDuplicate spec.matchConditions[1].name",
        "FieldValueRequired spec.matchConditions[1].expression",
        "FieldValueInvalid spec.variables[0].name",
      ],
    );
    assert.deepEqual(
      fields(
        validatePolicySpec({
          matchConstraints: rules,
          validations: [{ expression: "true", reason: "Nope", message: "a\nb" }],
        }),
      ),
      ["FieldValueInvalid spec.validations[0].message", "FieldValueNotSupported spec.validations[0].reason"],
    );
  });
});

describe("ValidatingAdmissionPolicyBinding validation", () => {
  it("accepts a binding with a named paramRef", () => {
    assert.deepEqual(
      validateBindingSpec({
        policyName: "p",
        validationActions: ["Deny", "Audit"],
        paramRef: { name: "x", parameterNotFoundAction: "Allow" },
      }),
      [],
    );
  });

  it("checks actions, paramRef and the policy name", () => {
    assert.deepEqual(
      fields(
        validateBindingSpec({
          policyName: "",
          validationActions: ["Deny", "Warn", "Deny", "Log"],
          paramRef: { name: "x", selector: {} },
        }),
      ),
      [
        "FieldValueRequired spec.policyName",
        "FieldValueDuplicate spec.validationActions[2]",
        "FieldValueNotSupported spec.validationActions[3]",
        "FieldValueInvalid spec.validationActions",
        "FieldValueForbidden spec.paramRef.name",
        "FieldValueRequired spec.paramRef.parameterNotFoundAction",
      ],
    );
    assert.deepEqual(fields(validateBindingSpec({ policyName: "p", validationActions: [] })), [
      "FieldValueRequired spec.validationActions",
    ]);
  });
});
