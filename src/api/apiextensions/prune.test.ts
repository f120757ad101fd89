import assert from "node:assert/strict";
import { test } from "node:test";
import { applyDefaults, pruneObject, unknownFieldPaths } from "./prune.ts";
import type { JsonSchema } from "./types.ts";

const schema: JsonSchema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        replicas: { type: "integer", default: 1 },
        items: {
          type: "array",
          items: {
            type: "object",
            properties: { name: { type: "string" }, mode: { type: "string", default: "rw" } },
          },
        },
        labels: { type: "object", additionalProperties: { type: "string" } },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        opt: { type: "string", nullable: true },
      },
    },
  },
};

test("unknown fields are reported with their paths and pruned; root type and object meta stay", () => {
  const obj = {
    apiVersion: "x.io/v1",
    kind: "X",
    metadata: { name: "a" },
    spec: { foo: 1, items: [{ name: "a", extra: true }], labels: { a: "b" }, free: { any: { thing: 1 } } },
    other: 2,
  };
  assert.deepEqual(unknownFieldPaths(schema, obj), ["spec.foo", "spec.items[0].extra", "other"]);
  assert.deepEqual(pruneObject(schema, obj), ["spec.foo", "spec.items[0].extra", "other"]);
  assert.deepEqual(obj, {
    apiVersion: "x.io/v1",
    kind: "X",
    metadata: { name: "a" },
    spec: { items: [{ name: "a" }], labels: { a: "b" }, free: { any: { thing: 1 } } },
  });
});

test("defaults fill missing fields, inside arrays too; nulls of non-nullable fields are dropped first", () => {
  const obj: Record<string, unknown> = { spec: { replicas: null, items: [{ name: "a" }], opt: null } };
  applyDefaults(schema, obj);
  assert.deepEqual(obj, { spec: { replicas: 1, items: [{ name: "a", mode: "rw" }], opt: null } });
  const none: Record<string, unknown> = {};
  applyDefaults(schema, none);
  assert.deepEqual(none, {}, "no spec: nothing to default into");
});
