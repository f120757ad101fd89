import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type StorageClass, storageclasses } from "./storageclass.ts";

describe("storageclasses", () => {
  const s = storageclasses.strategy;
  const sc = (): StorageClass => ({
    metadata: { name: "local", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "skiff.io/local-path",
  });
  it("defaults Delete/Immediate and validates", () => {
    const c = sc();
    s.defaults?.(c);
    assert.deepEqual([c.reclaimPolicy, c.volumeBindingMode], ["Delete", "Immediate"]);
    assert.deepEqual(s.validate?.(c), []);
    const bad = sc();
    bad.provisioner = "";
    bad.reclaimPolicy = "Recycle";
    assert.deepEqual(
      (s.validate?.(bad) ?? []).map((e) => `${e.type} ${e.field}`),
      ["FieldValueRequired provisioner", "FieldValueNotSupported reclaimPolicy"],
    );
  });
  it("forbids changing provisioner and parameters", () => {
    const old = sc();
    const next = { ...sc(), provisioner: "other.io/x", parameters: { a: "b" } };
    assert.deepEqual(
      (s.validateUpdate?.(next, old) ?? []).map((e) => `${e.type} ${e.field}`),
      ["FieldValueForbidden parameters", "FieldValueForbidden provisioner"],
    );
  });
  it("marks the default class in the table", () => {
    const c = sc();
    s.defaults?.(c);
    assert.deepEqual(s.table?.cells(c, new Date()).slice(0, 5), [
      "local (default)",
      "skiff.io/local-path",
      "Delete",
      "Immediate",
      false,
    ]);
  });
});
