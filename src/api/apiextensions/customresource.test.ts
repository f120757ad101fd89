import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldErrorString } from "../field.ts";
import type { KubeObject } from "../object.ts";
import { compareVersions, customResourceDefs } from "./customresource.ts";
import { cronTabCrd } from "./testing.ts";

test("versions in Kubernetes' priority order", () => {
  const sorted = ["v1alpha1", "foo", "v2beta1", "v1", "v2", "v1beta2", "v1beta1"].sort(compareVersions);
  assert.deepEqual(sorted, ["v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo"]);
});

test("one def per served version, sharing storage; subresources from the CRD", () => {
  const defs = customResourceDefs(cronTabCrd());
  assert.deepEqual(
    defs.map((d) => `${d.group}/${d.version}/${d.resource}`),
    ["stable.example.com/v1/crontabs", "stable.example.com/v1beta1/crontabs"],
  );
  const [v1, beta] = defs;
  assert.ok(v1 && beta);
  assert.equal(v1.storagePrefix, beta.storagePrefix);
  assert.equal(v1.hasStatus, true);
  assert.deepEqual(v1.scale, { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas" });
  assert.equal(beta.hasStatus, false);
  const stored = beta.conversion?.toStorage({ apiVersion: "stable.example.com/v1beta1", kind: "CronTab" });
  assert.equal(stored?.apiVersion, "stable.example.com/v1", "conversion None rewrites apiVersion only");
});

test("the strategy prunes, defaults, validates and bumps generation like Kubernetes", () => {
  const [v1] = customResourceDefs(cronTabCrd());
  assert.ok(v1);
  const s = v1.strategy;
  const obj: KubeObject = {
    apiVersion: "stable.example.com/v1",
    kind: "CronTab",
    metadata: { name: "a", namespace: "default" },
    spec: { cronSpec: "* * * * *", junk: 1 },
    status: { replicas: 2 },
  };
  s.prepareForCreate?.(obj);
  s.defaults?.(obj);
  assert.deepEqual(obj.spec, { cronSpec: "* * * * *", replicas: 1 });
  assert.equal(obj.status, undefined, "status is reset on create with a status subresource");
  assert.equal(obj.metadata?.generation, 1);
  assert.deepEqual(s.validate?.(obj), []);
  const next = structuredClone(obj);
  next.spec = { cronSpec: "bad", replicas: 0 };
  s.prepareForUpdate?.(next, obj);
  assert.equal(next.metadata?.generation, 2);
  assert.deepEqual((s.validate?.(next) ?? []).map(fieldErrorString), [
    "spec.cronSpec: Invalid value: \"bad\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'",
    "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
  ]);
  const labelsOnly = structuredClone(obj);
  labelsOnly.metadata = { ...labelsOnly.metadata, labels: { a: "b" } };
  s.prepareForUpdate?.(labelsOnly, obj);
  assert.equal(labelsOnly.metadata?.generation, 1);
});

test("printer columns: Name first, then the CRD's columns (wide ones with priority 1); default Age", () => {
  const [v1, beta] = customResourceDefs(cronTabCrd());
  const table = v1?.strategy.table;
  assert.ok(table);
  assert.deepEqual(
    table.columns.map((c) => `${c.name}:${c.type}:${c.priority}`),
    ["Name:string:0", "Spec:string:0", "Replicas:integer:0", "Image:string:1"],
  );
  const obj = { metadata: { name: "a" }, spec: { cronSpec: "* * * * *", replicas: 2 } };
  assert.deepEqual(table.cells(obj, new Date()), ["a", "* * * * *", 2, null]);
  const created = new Date("2024-01-01T00:00:00Z");
  const ageTable = beta?.strategy.table;
  assert.deepEqual(
    ageTable?.columns.map((c) => c.name),
    ["Name", "Age"],
  );
  const cells = ageTable?.cells(
    { metadata: { name: "b", creationTimestamp: created.toISOString() } },
    new Date(created.getTime() + 90_000),
  );
  assert.deepEqual(cells, ["b", "90s"]);
});
