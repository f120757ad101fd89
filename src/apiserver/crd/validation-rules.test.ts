import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonSchema } from "../../api/apiextensions/types.ts";
import { FieldPath } from "../../api/field.ts";
import { compileRules, type RuleCompileError, validateRules } from "./validation-rules.ts";

const schema: JsonSchema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      "x-kubernetes-validations": [
        { rule: "self.min <= self.max", message: "min must not exceed max" },
        { rule: "self.max == oldSelf.max", message: "max is immutable" },
        {
          rule: "oldSelf.hasValue() || self.min >= 0",
          optionalOldSelf: true,
          message: "min starts non-negative",
        },
        { rule: "self.ratio < 1.0", fieldPath: ".ratio", reason: "FieldValueRequired" },
      ],
      properties: {
        min: { type: "integer" },
        max: { type: "integer" },
        ratio: { type: "number" },
        tags: {
          type: "object",
          additionalProperties: { type: "string", "x-kubernetes-validations": [{ rule: "self.size() < 4" }] },
        },
        items: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: {
            type: "object",
            "x-kubernetes-validations": [
              { rule: "self.value >= oldSelf.value", message: "values only grow" },
            ],
            properties: { name: { type: "string" }, value: { type: "integer" } },
          },
        },
      },
    },
  },
};

function compiled() {
  const errors: RuleCompileError[] = [];
  const rules = compileRules(schema, FieldPath.root(""), errors);
  assert.deepEqual(errors, []);
  return rules;
}

describe("x-kubernetes-validations", () => {
  const rules = compiled();
  const fields = (value: unknown, old: unknown, phase: "create" | "update" | "transition") =>
    validateRules(schema, value, old, { compiled: rules, phase }).map(
      (e) => `${e.type} ${e.field}: ${e.detail}`,
    );

  it("accepts a valid object", () => {
    assert.deepEqual(
      fields({ spec: { min: 1, max: 2, ratio: 0.5, tags: { a: "x" } } }, undefined, "create"),
      [],
    );
  });

  it("reports plain rules at the node, fieldPath/reason rules at their field, map values by key", () => {
    assert.deepEqual(
      fields({ spec: { min: -3, max: 2, ratio: 2, tags: { a: "long" } } }, undefined, "create"),
      [
        "FieldValueInvalid spec: min starts non-negative",
        "FieldValueRequired spec.ratio: failed rule: self.ratio < 1.0",
        "FieldValueInvalid spec.tags[a]: failed rule: self.size() < 4",
      ],
    );
    assert.deepEqual(fields({ spec: { min: 3, max: 2, ratio: 0 } }, undefined, "update"), [
      "FieldValueInvalid spec: min must not exceed max",
    ]);
  });

  it("runs transition rules only with an old value, correlating list-map items by key", () => {
    const old = { spec: { min: 0, max: 2, ratio: 0, items: [{ name: "a", value: 5 }] } };
    const next = {
      spec: {
        min: -1,
        max: 3,
        ratio: 0,
        items: [
          { name: "b", value: 1 },
          { name: "a", value: 4 },
        ],
      },
    };
    assert.deepEqual(fields(next, old, "transition"), [
      "FieldValueInvalid spec: max is immutable",
      "FieldValueInvalid spec.items[1]: values only grow",
    ]);
    // Without an old value only optionalOldSelf rules run, with oldSelf = optional.none().
    assert.deepEqual(fields(next, undefined, "transition"), [
      "FieldValueInvalid spec: min starts non-negative",
    ]);
  });

  it("turns evaluation errors into field errors naming the rule", () => {
    const errs = fields({ spec: { min: 1, ratio: 0 } }, undefined, "create");
    assert.deepEqual(errs, [
      "FieldValueInvalid spec: no such key: max evaluating rule: self.min <= self.max",
    ]);
  });

  it("names declared properties as Kubernetes escapes them", () => {
    const escaped: JsonSchema = {
      type: "object",
      properties: {
        "max-size": { type: "integer" },
        namespace: { type: "string" },
        a__b: { type: "string" },
      },
    };
    const errors: RuleCompileError[] = [];
    const rules = compileRules(
      {
        ...escaped,
        "x-kubernetes-validations": [
          { rule: "self.max__dash__size > 1 && self.__namespace__ == 'x' && self.a__underscores__b == 'y'" },
        ],
      },
      FieldPath.root(""),
      errors,
    );
    assert.deepEqual(errors, []);
    const schemaWithRule = { ...escaped, "x-kubernetes-validations": [...rules.keys()] };
    assert.deepEqual(
      validateRules(schemaWithRule, { "max-size": 2, namespace: "x", a__b: "y" }, undefined, {
        compiled: rules,
        phase: "create",
      }),
      [],
    );
  });

  it("collects compile errors with their schema paths", () => {
    const errors: RuleCompileError[] = [];
    compileRules(
      {
        type: "object",
        properties: {
          a: { type: "string", "x-kubernetes-validations": [{ rule: "self ==", messageExpression: "nope" }] },
        },
      },
      FieldPath.root("schema"),
      errors,
    );
    assert.deepEqual(
      errors.map((e) => e.path),
      [
        "schema.properties[a].x-kubernetes-validations[0].rule",
        "schema.properties[a].x-kubernetes-validations[0].messageExpression",
      ],
    );
    assert.match(errors[0]?.detail ?? "", /^compilation failed: ERROR: <input>:1:8: Syntax error/);
  });
});
