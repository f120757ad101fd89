import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { persistentVolumes as pvs } from "./persistentvolume.ts";
import { persistentVolumeClaims as pvcs } from "./persistentvolumeclaim.ts";

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

describe("persistentvolumeclaims", () => {
  function pvc(spec: Record<string, unknown>): KubeObject {
    const obj: KubeObject = {
      metadata: { name: "data", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" },
      spec,
    };
    pvcs.strategy.defaults?.(obj);
    pvcs.strategy.prepareForCreate?.(obj);
    return obj;
  }

  it("validates access modes and the storage request", () => {
    assert.deepEqual(
      pvcs.strategy.validate?.(
        pvc({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }),
      ),
      [],
    );
    assert.deepEqual(fields(pvcs.strategy.validate?.(pvc({}))), [
      ["FieldValueRequired", "spec.accessModes"],
      ["FieldValueRequired", "spec.resources[storage]"],
    ]);
    assert.deepEqual(
      fields(
        pvcs.strategy.validate?.(
          pvc({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "0" } } }),
        ),
      ),
      [["FieldValueInvalid", "spec.resources[storage]"]],
    );
  });

  it("allows only growing requests of bound claims", () => {
    const old = pvc({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "1Gi" } },
      volumeName: "pv1",
    });
    old.status = { phase: "Bound", capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] };
    const grow = structuredClone(old);
    (grow.spec as { resources: { requests: Record<string, string> } }).resources.requests.storage = "2Gi";
    assert.deepEqual(pvcs.strategy.validateUpdate?.(grow, old), []);
    const shrink = structuredClone(old);
    (shrink.spec as { resources: { requests: Record<string, string> } }).resources.requests.storage = "500Mi";
    assert.deepEqual(fields(pvcs.strategy.validateUpdate?.(shrink, old)), [
      ["FieldValueForbidden", "spec.resources.requests.storage"],
    ]);
    const modes = structuredClone(old);
    (modes.spec as Record<string, unknown>).accessModes = ["ReadWriteMany"];
    const errs = pvcs.strategy.validateUpdate?.(modes, old) ?? [];
    assert.equal(
      errs[0]?.detail,
      "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    );
    assert.deepEqual(pvcs.strategy.table?.cells(old, now), [
      "data",
      "Bound",
      "pv1",
      "1Gi",
      "RWO",
      "",
      "<unset>",
      "60m",
      "Filesystem",
    ]);
  });
});
