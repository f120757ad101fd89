import assert from "node:assert/strict";
import { test } from "node:test";
import { unknownFields } from "../schema/unknown-fields.ts";
import { customKindSchema, registerCustomKindSchema } from "./strict-schema.ts";
import type { JsonSchema } from "./types.ts";

const gvk = { group: "strict.example.com", version: "v1", kind: "Widget" };
const schema: JsonSchema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        size: { type: "integer" },
        template: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      },
    },
  },
};

test("a registered custom kind is strictly decoded: type and object meta known, embedded resources too", () => {
  registerCustomKindSchema(gvk, schema);
  try {
    const obj = {
      apiVersion: "strict.example.com/v1",
      kind: "Widget",
      metadata: { name: "w", labels: { a: "b" }, nope: 1 },
      spec: {
        size: 1,
        colour: "red",
        template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { any: 1 }, x: 2 },
      },
    };
    assert.deepEqual(unknownFields(gvk.group, gvk.version, gvk.kind, obj), [
      "metadata.nope",
      "spec.colour",
      "spec.template.x",
    ]);
  } finally {
    registerCustomKindSchema(gvk, undefined);
  }
  assert.equal(customKindSchema(gvk.group, gvk.version, gvk.kind), undefined);
  assert.deepEqual(unknownFields(gvk.group, gvk.version, gvk.kind, { spec: { colour: "red" } }), []);
});
