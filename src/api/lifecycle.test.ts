import assert from "node:assert/strict";
import { test } from "node:test";
import { coreV1Resources } from "./core/index.ts";
import { namespaceLifecycle, podLifecycle } from "./lifecycle.ts";

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

test("pods and namespaces carry the hooks in their strategies; other kinds do not", () => {
  const pods = coreV1Resources.find((d) => d.resource === "pods");
  const namespaces = coreV1Resources.find((d) => d.resource === "namespaces");
  const services = coreV1Resources.find((d) => d.resource === "services");
  assert.equal(pods?.strategy.gracefulDeleteSeconds, podLifecycle.gracefulDeleteSeconds);
  assert.equal(namespaces?.strategy.beginTermination, namespaceLifecycle.beginTermination);
  assert.equal(services?.strategy.gracefulDeleteSeconds, undefined);
});
