import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { computeStatus, expectations, scaled } from "./budget.ts";

const ready = (name: string, extra: Partial<Pod["metadata"]> = {}): Pod => ({
  metadata: { name, ...extra },
  status: { conditions: [{ type: "Ready", status: "True" }] },
});
const now = new Date("2026-01-01T00:10:00Z");

test("int-or-percent scaling rounds percentages up", () => {
  assert.equal(scaled(2, 10), 2);
  assert.equal(scaled("25%", 10), 3);
  assert.equal(scaled("3", 10), 3);
});

test("expected and desired pods for minAvailable and maxUnavailable", () => {
  assert.deepEqual(expectations({ spec: { minAvailable: 2 } }, 3, 5), { expectedPods: 3, desiredHealthy: 2 });
  assert.deepEqual(expectations({ spec: { minAvailable: "50%" } }, 3, 5), {
    expectedPods: 5,
    desiredHealthy: 3,
  });
  assert.deepEqual(expectations({ spec: { maxUnavailable: 1 } }, 3, 5), {
    expectedPods: 5,
    desiredHealthy: 4,
  });
  assert.deepEqual(expectations({ spec: { maxUnavailable: "50%" } }, 3, 5), {
    expectedPods: 5,
    desiredHealthy: 2,
  });
});

test("status: unconfirmed evictions are not healthy, deleted ones are dropped", () => {
  const pdb = {
    metadata: { generation: 2 },
    spec: { minAvailable: 1 },
    status: {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
      disruptedPods: { a: "2026-01-01T00:09:59Z", b: "2026-01-01T00:09:59Z", old: "2026-01-01T00:00:00Z" },
    },
  };
  const pods = [
    ready("a"),
    ready("b", { deletionTimestamp: "2026-01-01T00:09:59Z" }),
    ready("c"),
    ready("d"),
    ready("old"),
  ];
  const s = computeStatus({ pdb, pods, scale: undefined, now });
  assert.deepEqual(s.disruptedPods, { a: "2026-01-01T00:09:59Z" });
  assert.equal(s.currentHealthy, 3);
  assert.equal(s.expectedPods, 5);
  assert.equal(s.desiredHealthy, 1);
  assert.equal(s.disruptionsAllowed, 2);
  assert.equal(s.observedGeneration, 2);
  assert.equal(s.conditions?.[0]?.reason, "SufficientPods");
});

test("a percentage budget without a known scale allows nothing", () => {
  const s = computeStatus({
    pdb: { spec: { maxUnavailable: "50%" } },
    pods: [ready("a")],
    scale: undefined,
    now,
  });
  assert.equal(s.disruptionsAllowed, 0);
  assert.equal(s.conditions?.[0]?.reason, "SyncFailed");
});
