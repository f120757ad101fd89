import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldPath } from "../field.ts";
import { validateVolumes } from "./volume-validation.ts";

describe("volume validation", () => {
  it("requires one source and checks the common ones", () => {
    const { errs, names } = validateVolumes(
      [
        { name: "ok", configMap: { name: "cfg", items: [{ key: "a", path: "a.conf" }] } },
        { name: "none" },
        { name: "s", secret: {} },
        { name: "h", hostPath: { path: "/x", type: "Weird" } },
        { name: "p", persistentVolumeClaim: { claimName: "" } },
        { name: "m", configMap: { name: "c", defaultMode: 0o1000, items: [{ key: "k", path: "/abs" }] } },
      ],
      FieldPath.root("spec").child("volumes"),
    );
    assert.deepEqual([...names], ["ok", "none", "s", "h", "p", "m"]);
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        ["FieldValueRequired", "spec.volumes[1]"],
        ["FieldValueRequired", "spec.volumes[2].secret.secretName"],
        ["FieldValueNotSupported", "spec.volumes[3].hostPath.type"],
        ["FieldValueRequired", "spec.volumes[4].persistentVolumeClaim.claimName"],
        ["FieldValueInvalid", "spec.volumes[5].configMap.defaultMode"],
        ["FieldValueInvalid", "spec.volumes[5].configMap.items[0].path"],
      ],
    );
  });
});
