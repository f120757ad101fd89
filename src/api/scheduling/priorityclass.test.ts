import assert from "node:assert/strict";
import { test } from "node:test";
import { type PriorityClass, priorityclasses, validatePriorityClass } from "./priorityclass.ts";

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass =>
  ({
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name },
    value,
    ...extra,
  }) as PriorityClass;

const details = (p: PriorityClass) =>
  validatePriorityClass(p).map((e) => `${e.field}: ${e.detail ?? e.type}`);

test("user classes: any value up to one billion; system- names and larger values are reserved", () => {
  assert.deepEqual(details(pc("high", 1_000_000_000)), []);
  assert.deepEqual(details(pc("too-high", 1_000_000_001)), [
    "value: maximum allowed value of a user defined priority is 1000000000",
  ]);
  assert.deepEqual(details(pc("system-mine", 5)), [
    "metadata.name: priority class names with 'system-' prefix are reserved for system use only",
  ]);
  assert.deepEqual(details(pc("system-node-critical", 2_000_001_000)), []);
  assert.equal(details(pc("system-cluster-critical", 7)).length, 1);
  assert.equal(details(pc("p", 1, { preemptionPolicy: "Sometimes" })).length, 1);
});

test("defaults preemptionPolicy; value and preemptionPolicy are immutable", () => {
  const a = pc("a", 10);
  priorityclasses.strategy.defaults?.(a);
  assert.equal(a.preemptionPolicy, "PreemptLowerPriority");
  const b = { ...a, value: 11, preemptionPolicy: "Never" };
  const errs = priorityclasses.strategy.validateUpdate?.(b, a) ?? [];
  assert.deepEqual(errs.map((e) => e.field).sort(), ["preemptionPolicy", "value"]);
});

test("table: Name, Value, Global-Default, Age, PreemptionPolicy", () => {
  const t = priorityclasses.strategy.table;
  assert.ok(t);
  assert.deepEqual(
    t.columns.map((c) => c.name),
    ["Name", "Value", "Global-Default", "Age", "PreemptionPolicy"],
  );
  assert.deepEqual(
    t.cells(pc("x", 5, { globalDefault: true, preemptionPolicy: "Never" }), new Date()).slice(0, 3),
    ["x", 5, true],
  );
});
