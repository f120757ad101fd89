import assert from "node:assert/strict";
import { test } from "node:test";
import { customResourceDefs } from "../../api/apiextensions/customresource.ts";
import { cronTabCrd } from "../../api/apiextensions/testing.ts";
import { Registry } from "../../api/registry.ts";
import { customResourceDefinitionsFor } from "./customresources.ts";
import { serveOpenApi } from "./handler.ts";

test("kind and list definitions named like Kubernetes', with the CRD schema inside", () => {
  const crd = cronTabCrd();
  const spec = crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec;
  Object.assign(spec ?? {}, {
    properties: { ...spec?.properties, when: { type: "string", nullable: true } },
  });
  const [v1] = customResourceDefs(crd);
  assert.ok(v1);
  const v3 = customResourceDefinitionsFor(v1, "v3");
  assert.deepEqual(Object.keys(v3), ["com.example.stable.v1.CronTab", "com.example.stable.v1.CronTabList"]);
  const kind = v3["com.example.stable.v1.CronTab"] as unknown as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
  assert.deepEqual(Object.keys(kind.properties ?? {}), ["apiVersion", "kind", "metadata", "spec", "status"]);
  assert.equal(kind.properties?.spec?.type, "object");
  const v2 = customResourceDefinitionsFor(v1, "v2")["com.example.stable.v1.CronTab"] as unknown as {
    properties: { spec: { properties: { when: Record<string, unknown> } } };
  };
  assert.deepEqual(
    v2.properties.spec.properties.when,
    {},
    "v2: nullable fields are untyped for kubectl 1.20",
  );
});

test("documents are rebuilt when the registry changes", () => {
  const registry = new Registry();
  const [v1] = customResourceDefs(cronTabCrd());
  assert.ok(v1);
  assert.equal(serveOpenApi(registry, { path: "/openapi/v3/apis/stable.example.com/v1" })?.status, 404);
  registry.add(v1);
  const doc = serveOpenApi(registry, { path: "/openapi/v3/apis/stable.example.com/v1" });
  assert.equal(doc?.status, 200);
  assert.match(String(doc?.body), /com\.example\.stable\.v1\.CronTab/);
  // kubectl apply picks strategic merge patch only when the patch operation accepts it.
  const paths = JSON.parse(String(doc?.body)).paths as Record<
    string,
    { patch?: { requestBody: { content: object } } }
  >;
  const patch = paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]?.patch;
  assert.deepEqual(Object.keys(patch?.requestBody.content ?? {}), [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
  ]);
  registry.remove(v1);
  assert.equal(serveOpenApi(registry, { path: "/openapi/v3/apis/stable.example.com/v1" })?.status, 404);
});
