import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type PodDisruptionBudget, poddisruptionbudgets } from "./poddisruptionbudget.ts";

describe("poddisruptionbudgets", () => {
  const s = poddisruptionbudgets.strategy;
  const pdb = (): PodDisruptionBudget => ({
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { minAvailable: "50%", selector: { matchLabels: { app: "web" } } },
  });
  it("accepts one of minAvailable/maxUnavailable, not both, and no percent above 100", () => {
    assert.deepEqual(s.validate?.(pdb()), []);
    const both = pdb();
    if (both.spec) {
      both.spec.maxUnavailable = 1;
      both.spec.minAvailable = "150%";
    }
    assert.deepEqual(
      (s.validate?.(both) ?? []).map((e) => `${e.type} ${e.field}`),
      ["FieldValueInvalid spec", "FieldValueInvalid spec.minAvailable"],
    );
  });
  it("prints N/A for the unset bound and the allowed disruptions", () => {
    const p = pdb();
    s.prepareForCreate?.(p);
    assert.deepEqual(s.table?.cells(p, new Date("2024-01-01T00:00:09Z")), ["web", "50%", "N/A", 0, "9s"]);
  });
});
