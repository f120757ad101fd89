import assert from "node:assert/strict";
import { test } from "node:test";
import { evictionPlan, reconcileTaints, taintsForReady, toleratesTaint } from "./taints.ts";

const unreachable = {
  key: "node.kubernetes.io/unreachable",
  effect: "NoExecute",
  timeAdded: "2026-01-01T00:00:00Z",
};
const t0 = Date.parse("2026-01-01T00:00:00Z");

test("taints follow the Ready status", () => {
  assert.deepEqual(taintsForReady("True"), []);
  assert.deepEqual(
    taintsForReady("False").map((t) => `${t.key}:${t.effect}`),
    ["node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"],
  );
  assert.equal(taintsForReady("Unknown")[0]?.key, "node.kubernetes.io/unreachable");
});

test("reconcileTaints keeps foreign taints and timeAdded, and reports no change as undefined", () => {
  const foreign = { key: "dedicated", value: "db", effect: "NoSchedule" };
  const next = reconcileTaints([foreign], taintsForReady("Unknown"), "2026-01-01T00:00:05Z");
  assert.deepEqual(next, [
    foreign,
    { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2026-01-01T00:00:05Z" },
  ]);
  assert.equal(reconcileTaints(next ?? [], taintsForReady("Unknown"), "later"), undefined);
  assert.deepEqual(reconcileTaints(next ?? [], [], "later"), [foreign]);
});

test("toleration matching: Exists, Equal, empty key, effect", () => {
  assert.ok(toleratesTaint({ operator: "Exists" }, unreachable));
  assert.ok(toleratesTaint({ key: unreachable.key, operator: "Exists", effect: "NoExecute" }, unreachable));
  assert.ok(!toleratesTaint({ key: unreachable.key, operator: "Exists", effect: "NoSchedule" }, unreachable));
  assert.ok(!toleratesTaint({ key: "other", operator: "Exists" }, unreachable));
  assert.ok(toleratesTaint({ key: "k", value: "v" }, { key: "k", value: "v", effect: "NoExecute" }));
  assert.ok(!toleratesTaint({ key: "k", value: "w" }, { key: "k", value: "v", effect: "NoExecute" }));
});

test("evictionPlan: untolerated now, unbounded never, else taint time + smallest seconds", () => {
  assert.deepEqual(evictionPlan([unreachable], [], t0), { kind: "now" });
  assert.deepEqual(evictionPlan([{ key: "x", effect: "NoSchedule" }], [], t0), { kind: "never" });
  assert.deepEqual(evictionPlan([unreachable], [{ operator: "Exists" }], t0), { kind: "never" });
  const tolerations = [
    { key: unreachable.key, operator: "Exists", tolerationSeconds: 300 },
    { operator: "Exists", tolerationSeconds: 30 },
  ];
  assert.deepEqual(evictionPlan([unreachable], tolerations, t0 + 1000), { kind: "at", time: t0 + 30_000 });
  assert.deepEqual(evictionPlan([unreachable], tolerations, t0 + 30_000), { kind: "now" });
});
