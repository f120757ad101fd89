import assert from "node:assert/strict";
import { test } from "node:test";
import { lifecycleFor, namespaceLifecycle, podLifecycle } from "./lifecycle.ts";

const grace = (pod: Record<string, unknown>, options = {}) =>
  podLifecycle.gracefulDeleteSeconds?.(pod, options);

test("pods: client grace wins, else the pod's; unscheduled, finished or absent → 0; negative → 1", () => {
  const scheduled = { spec: { nodeName: "n", terminationGracePeriodSeconds: 30, containers: [] } };
  assert.equal(grace(scheduled), 30);
  assert.equal(grace(scheduled, { gracePeriodSeconds: 5 }), 5);
  assert.equal(grace(scheduled, { gracePeriodSeconds: -3 }), 1);
  assert.equal(grace({ spec: { nodeName: "n", containers: [] } }), 0);
  assert.equal(grace({ spec: { terminationGracePeriodSeconds: 30, containers: [] } }), 0);
  for (const phase of ["Succeeded", "Failed"]) assert.equal(grace({ ...scheduled, status: { phase } }), 0);
  assert.equal(grace({ ...scheduled, status: { phase: "Running" } }), 30);
});

test("namespaces: termination sets phase Terminating; spec.finalizers keep it", () => {
  const ns = { spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } };
  namespaceLifecycle.beginTermination?.(ns);
  assert.equal(ns.status.phase, "Terminating");
  assert.equal(namespaceLifecycle.pendingFinalization?.(ns), true);
  assert.equal(namespaceLifecycle.pendingFinalization?.({ spec: { finalizers: [] } }), false);
});

test("lookup by group/resource", () => {
  assert.equal(lifecycleFor({ group: "", resource: "pods" }), podLifecycle);
  assert.equal(lifecycleFor({ group: "", resource: "namespaces" }), namespaceLifecycle);
  assert.deepEqual(lifecycleFor({ group: "apps", resource: "pods" }), {});
});
