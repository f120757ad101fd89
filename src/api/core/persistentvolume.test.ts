import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { persistentVolumes as pvs } from "./persistentvolume.ts";

const now = new Date("2024-05-01T12:00:00Z");
const fields = (errs: { type: string; field: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.type, e.field]);

describe("persistentvolumes", () => {
  function pv(spec: Record<string, unknown>): KubeObject {
    const obj: KubeObject = { metadata: { name: "pv1", creationTimestamp: "2024-05-01T11:00:00Z" }, spec };
    pvs.strategy.defaults?.(obj);
    return obj;
  }

  it("defaults, validates and prints", () => {
    const obj = pv({
      capacity: { storage: "10Gi" },
      accessModes: ["ReadWriteMany", "ReadWriteOnce"],
      hostPath: { path: "/data" },
    });
    pvs.strategy.prepareForCreate?.(obj);
    assert.equal((obj.spec as Record<string, unknown>).persistentVolumeReclaimPolicy, "Retain");
    assert.equal((obj.spec as Record<string, unknown>).volumeMode, "Filesystem");
    assert.deepEqual(obj.status, { phase: "Pending" });
    assert.deepEqual(pvs.strategy.validate?.(obj), []);
    assert.equal(pvs.strategy.fieldSelectors?.name?.(obj), "pv1");
    (obj.spec as Record<string, unknown>).claimRef = { namespace: "default", name: "data" };
    obj.status = { phase: "Bound" };
    assert.deepEqual(pvs.strategy.table?.cells(obj, now), [
      "pv1",
      "10Gi",
      "RWO,RWX",
      "Retain",
      "Bound",
      "default/data",
      "",
      "<unset>",
      "",
      "60m",
      "Filesystem",
    ]);
  });

  it("requires capacity, access modes and exactly one source", () => {
    assert.deepEqual(fields(pvs.strategy.validate?.(pv({}))), [
      ["FieldValueRequired", "spec.capacity"],
      ["FieldValueRequired", "spec.accessModes"],
      ["FieldValueRequired", "spec"],
    ]);
    const two = pv({
      capacity: { storage: "1Gi", cpu: "1" },
      accessModes: ["Sometimes"],
      hostPath: { path: "/a" },
      nfs: { server: "s", path: "/" },
    });
    assert.deepEqual(fields(pvs.strategy.validate?.(two)), [
      ["FieldValueNotSupported", "spec.capacity"],
      ["FieldValueNotSupported", "spec.accessModes"],
      ["FieldValueForbidden", "spec.nfs"],
    ]);
  });

  it("keeps the source immutable", () => {
    const old = pv({
      capacity: { storage: "1Gi" },
      accessModes: ["ReadWriteOnce"],
      hostPath: { path: "/a" },
    });
    const next = pv({
      capacity: { storage: "2Gi" },
      accessModes: ["ReadWriteOnce"],
      hostPath: { path: "/b" },
    });
    assert.deepEqual(fields(pvs.strategy.validateUpdate?.(next, old)), [
      ["FieldValueForbidden", "spec.persistentvolumesource"],
    ]);
  });
});
