import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { persistentVolumeClaims as pvcs } from "./persistentvolumeclaim.ts";

const now = new Date("2024-05-01T12:00:00Z");
const fields = (errs: { type: string; field: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.type, e.field]);

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
