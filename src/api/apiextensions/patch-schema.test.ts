import assert from "node:assert/strict";
import { test } from "node:test";
import { customResourcePatchSchema } from "./patch-schema.ts";

test("list and map types from the CRD schema; metadata from ObjectMeta", () => {
  const schema = customResourcePatchSchema({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          ports: {
            type: "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["port"],
            items: { type: "object", properties: { port: { type: "integer" } } },
          },
          args: { type: "array", items: { type: "string" } },
          selector: {
            type: "object",
            "x-kubernetes-map-type": "atomic",
            additionalProperties: { type: "string" },
          },
        },
      },
    },
  });
  const spec = schema?.field("spec");
  assert.equal(spec?.field("ports")?.listType, "map");
  assert.deepEqual(spec?.field("ports")?.listMapKeys, ["port"]);
  assert.equal(spec?.field("ports")?.items()?.field("port")?.listType, undefined);
  assert.equal(spec?.field("args")?.listType, "atomic", "lists are atomic unless declared otherwise");
  assert.equal(spec?.field("selector")?.mapType, "atomic");
  assert.equal(schema?.field("metadata")?.field("finalizers")?.patchStrategy, "merge");
});
