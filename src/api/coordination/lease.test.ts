import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { leases } from "./lease.ts";

describe("leases", () => {
  it("validates the duration and prints the holder", () => {
    const lease = {
      metadata: { name: "node-1", namespace: "kube-node-lease", creationTimestamp: "2024-01-01T00:00:00Z" },
      spec: { holderIdentity: "node-1", leaseDurationSeconds: 40 },
    };
    assert.deepEqual(leases.strategy.validate?.(lease), []);
    const bad = { ...lease, spec: { leaseDurationSeconds: 0 } };
    assert.deepEqual(
      (leases.strategy.validate?.(bad) ?? []).map((e) => `${e.type} ${e.field}`),
      ["FieldValueInvalid spec.leaseDurationSeconds"],
    );
    assert.deepEqual(leases.strategy.table?.cells(lease, new Date("2024-01-01T00:00:01Z")), [
      "node-1",
      "node-1",
      "1s",
    ]);
  });
});
