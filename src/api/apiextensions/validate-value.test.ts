import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldErrorString } from "../field.ts";
import type { JsonSchema } from "./types.ts";
import { validateValue } from "./validate-value.ts";

const schema: JsonSchema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["cronSpec"],
      properties: {
        cronSpec: { type: "string", pattern: "^\\d+$" },
        replicas: { type: "integer", minimum: 1, maximum: 10 },
        policy: { type: "string", enum: ["Allow", "Forbid"] },
        port: { "x-kubernetes-int-or-string": true },
        when: { type: "string", format: "date-time" },
        tags: { type: "array", items: { type: "string" }, maxItems: 2 },
        name: { type: "string", maxLength: 3, nullable: true },
      },
    },
  },
};

const messages = (value: unknown) => validateValue(schema, value).map(fieldErrorString);

test("a valid object has no errors", () => {
  assert.deepEqual(
    messages({ spec: { cronSpec: "5", replicas: 3, port: "http", tags: ["a"], name: null } }),
    [],
  );
  assert.deepEqual(messages({ spec: { cronSpec: "5", port: 8080, when: "2024-01-01T00:00:00Z" } }), []);
});

test("Kubernetes' messages and paths for each kind of violation", () => {
  assert.deepEqual(messages({ spec: { replicas: "three" } }), [
    "spec.cronSpec: Required value",
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
  ]);
  assert.deepEqual(messages({ spec: { cronSpec: "x", replicas: 0, policy: "Maybe" } }), [
    "spec.cronSpec: Invalid value: \"x\": spec.cronSpec in body should match '^\\d+$'",
    "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
    'spec.policy: Unsupported value: "Maybe": supported values: "Allow", "Forbid"',
  ]);
  assert.deepEqual(messages({ spec: { cronSpec: "1", replicas: 11, port: 1.5, when: "yesterday" } }), [
    "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
    'spec.port: Invalid value: "number": spec.port in body must be of type integer,string: "number"',
    'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
  ]);
  const errs = messages({ spec: { cronSpec: "1", tags: ["a", 2, "c"], name: "long" } });
  assert.deepEqual(errs.slice(0, 2), [
    "spec.tags: Too many: 3: must have at most 2 items",
    'spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"',
  ]);
  assert.match(errs[2] ?? "", /^spec\.name: Too long: .*3/);
  assert.equal(errs.length, 3);
});

test("embedded resources need apiVersion and kind", () => {
  const embedded: JsonSchema = {
    type: "object",
    properties: {
      template: {
        type: "object",
        "x-kubernetes-embedded-resource": true,
        "x-kubernetes-preserve-unknown-fields": true,
      },
    },
  };
  assert.deepEqual(validateValue(embedded, { template: { kind: "Pod" } }).map(fieldErrorString), [
    "template.apiVersion: Required value: must not be empty",
  ]);
});
