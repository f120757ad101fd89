import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nameIsDnsLabel, nameIsDnsSubdomain } from "./names.ts";
import { deepEqual, validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.ts";

const ns = { namespaced: true, nameFn: nameIsDnsSubdomain };

describe("validateObjectMeta", () => {
  it("accepts a valid object", () => {
    assert.deepEqual(
      validateObjectMeta({ name: "web", namespace: "default", labels: { app: "web" } }, ns),
      [],
    );
  });

  it("requires a name and a namespace", () => {
    const errs = validateObjectMeta({}, ns);
    assert.deepEqual(
      errs.map((e) => [e.type, e.field, e.detail]),
      [
        ["FieldValueRequired", "metadata.name", "name or generateName is required"],
        ["FieldValueRequired", "metadata.namespace", ""],
      ],
    );
  });

  it("forbids a namespace on cluster-scoped kinds", () => {
    const errs = validateObjectMeta(
      { name: "n1", namespace: "x" },
      { namespaced: false, nameFn: nameIsDnsLabel },
    );
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [["FieldValueForbidden", "metadata.namespace"]],
    );
  });

  it("reports bad names, generateName, labels and annotations at Kubernetes' paths", () => {
    const errs = validateObjectMeta(
      {
        name: "Invalid_Name",
        generateName: "Bad_",
        namespace: "default",
        labels: { "bad key": "v", ok: "bad value" },
        annotations: { "a/b/c": "x" },
      },
      ns,
    );
    assert.deepEqual(
      errs.map((e) => [e.type, e.field, e.badValue]),
      [
        ["FieldValueInvalid", "metadata.generateName", "Bad_"],
        ["FieldValueInvalid", "metadata.name", "Invalid_Name"],
        ["FieldValueInvalid", "metadata.labels", "bad key"],
        ["FieldValueInvalid", "metadata.labels", "bad value"],
        ["FieldValueInvalid", "metadata.annotations", "a/b/c"],
      ],
    );
  });

  it("limits the total size of annotations", () => {
    const errs = validateObjectMeta(
      { name: "x", namespace: "d", annotations: { big: "x".repeat(262145) } },
      ns,
    );
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [["FieldValueTooLong", "metadata.annotations"]],
    );
  });

  it("keeps identity fields immutable on update", () => {
    const old = { name: "a", namespace: "d", uid: "1", creationTimestamp: "2024-01-01T00:00:00Z" };
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { x: "y" } }, old, ns), []);
    const errs = validateObjectMetaUpdate({ ...old, name: "b", uid: "2" }, old, ns);
    assert.deepEqual(
      errs.map((e) => [e.field, e.detail]),
      [
        ["metadata.name", "field is immutable"],
        ["metadata.uid", "field is immutable"],
      ],
    );
  });

  it("forbids new finalizers on objects being deleted", () => {
    const old = { name: "a", namespace: "d", deletionTimestamp: "2024-01-01T00:00:00Z", finalizers: ["x/a"] };
    assert.deepEqual(validateObjectMetaUpdate({ ...old, finalizers: [] }, old, ns), []);
    const errs = validateObjectMetaUpdate({ ...old, finalizers: ["x/a", "x/b"] }, old, ns);
    assert.deepEqual(
      errs.map((e) => [e.type, e.field, e.detail]),
      [
        [
          "FieldValueForbidden",
          "metadata.finalizers",
          'no new finalizers can be added if the object is being deleted, found new finalizers []string{"x/b"}',
        ],
      ],
    );
  });

  it("compares JSON structurally", () => {
    assert.ok(deepEqual({ a: [1, { b: 2 }], c: undefined }, { a: [1, { b: 2 }] }));
    assert.ok(!deepEqual({ a: [1] }, { a: [2] }));
  });
});
