import assert from "node:assert/strict";
import { test } from "node:test";
import { customResourceDefs } from "../../api/apiextensions/customresource.ts";
import { cronTabCrd } from "../../api/apiextensions/testing.ts";
import { ApiError, BadRequestError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { Registry } from "../../api/registry.ts";
import { schemaDecoder } from "../wiring.ts";
import { customResourcePatcher } from "./decoding.ts";
import { CustomResourceRegistrar } from "./registrar.ts";

const [v1] = customResourceDefs(cronTabCrd());
const body = Buffer.from(
  JSON.stringify({
    apiVersion: "stable.example.com/v1",
    kind: "CronTab",
    metadata: { name: "a" },
    spec: { cronSpec: "* * * * *", foo: 1 },
  }),
);

test("while the CRD is served, Strict refuses unknown fields like Kubernetes; Warn warns; Ignore is silent", () => {
  assert.ok(v1);
  const decode = schemaDecoder;
  const registrar = new CustomResourceRegistrar(new Registry());
  registrar.serve(cronTabCrd());
  assert.throws(
    () => decode({ def: v1, body, contentType: "application/json", mode: "Strict" }),
    (err: unknown) =>
      err instanceof BadRequestError &&
      err.message ===
        'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.foo"',
  );
  assert.deepEqual(decode({ def: v1, body, contentType: "application/json", mode: "Warn" }).warnings, [
    'unknown field "spec.foo"',
  ]);
  assert.deepEqual(decode({ def: v1, body, contentType: "application/json", mode: "Ignore" }).warnings, []);
  const withMeta = Buffer.from(
    JSON.stringify({ metadata: { name: "a", bogus: 1 }, spec: { cronSpec: "1" } }),
  );
  assert.deepEqual(
    decode({ def: v1, body: withMeta, contentType: "application/json", mode: "Warn" }).warnings,
    ['unknown field "metadata.bogus"'],
  );
  registrar.unserve("crontabs.stable.example.com");
  assert.deepEqual(decode({ def: v1, body, contentType: "application/json", mode: "Strict" }).warnings, []);
});

test("strategic merge patch of a custom resource is a 415; merge patch goes through", () => {
  assert.ok(v1);
  const registry = new Registry().add(v1);
  const patcher = customResourcePatcher(({ current }) => current, registry);
  const options = {
    current: { kind: "CronTab" } as KubeObject,
    patch: Buffer.from("{}"),
    schema: undefined,
    fieldManager: "",
    force: false,
    target: { group: "stable.example.com", version: "v1", kind: "CronTab" },
  };
  assert.throws(
    () => patcher({ ...options, contentType: "application/strategic-merge-patch+json" }),
    (err: unknown) => err instanceof ApiError && err.code === 415,
  );
  assert.deepEqual(patcher({ ...options, contentType: "application/merge-patch+json" }), { kind: "CronTab" });
});
