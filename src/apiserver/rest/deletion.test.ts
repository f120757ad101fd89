import assert from "node:assert/strict";
import { test } from "node:test";
import { namespaceLifecycle, podLifecycle } from "../../api/lifecycle.ts";
import type { KubeObject } from "../../api/object.ts";
import { finalizersFor, planDeletion, shouldDeleteDuringUpdate } from "./deletion.ts";

const now = new Date("2025-01-01T00:00:00Z");
const pod = (extra: Partial<KubeObject> = {}): KubeObject => ({
  metadata: { name: "p", uid: "u", resourceVersion: "5" },
  spec: { nodeName: "n", terminationGracePeriodSeconds: 30, containers: [] },
  ...extra,
});

function updated(plan: ReturnType<typeof planDeletion>): KubeObject {
  assert.equal(plan.action, "update");
  return plan.action === "update" ? plan.object : {};
}

test("scheduled pod: deletionTimestamp = now + grace, deletionGracePeriodSeconds recorded", () => {
  const m = updated(planDeletion(pod(), {}, podLifecycle, now)).metadata;
  assert.equal(m?.deletionTimestamp, "2025-01-01T00:00:30Z");
  assert.equal(m?.deletionGracePeriodSeconds, 30);
});

test("unscheduled pod or grace 0: deleted at once", () => {
  assert.deepEqual(planDeletion(pod({ spec: { containers: [] } }), {}, podLifecycle, now), {
    action: "delete",
  });
  assert.deepEqual(planDeletion(pod(), { gracePeriodSeconds: 0 }, podLifecycle, now), { action: "delete" });
});

test("terminating pod: longer or equal grace is a no-op, shorter moves the deadline, 0 deletes", () => {
  const terminating = pod({
    metadata: { name: "p", deletionTimestamp: "2025-01-01T00:00:30Z", deletionGracePeriodSeconds: 30 },
  });
  assert.deepEqual(planDeletion(terminating, { gracePeriodSeconds: 60 }, podLifecycle, now), {
    action: "keep",
  });
  assert.deepEqual(planDeletion(terminating, {}, podLifecycle, now), { action: "keep" });
  const m = updated(planDeletion(terminating, { gracePeriodSeconds: 10 }, podLifecycle, now)).metadata;
  assert.equal(m?.deletionTimestamp, "2025-01-01T00:00:10Z");
  assert.equal(m?.deletionGracePeriodSeconds, 10);
  assert.deepEqual(planDeletion(terminating, { gracePeriodSeconds: 0 }, podLifecycle, now), {
    action: "delete",
  });
});

test("finalizers hold any object: markAsDeleting (grace 0), generation bumped once", () => {
  const cm: KubeObject = { metadata: { name: "c", finalizers: ["x/y"], generation: 2 }, spec: {} };
  const m = updated(planDeletion(cm, {}, {}, now)).metadata;
  assert.equal(m?.deletionTimestamp, "2025-01-01T00:00:00Z");
  assert.equal(m?.deletionGracePeriodSeconds, 0);
  assert.equal(m?.generation, 3);
  const again = { ...cm, metadata: { ...m } };
  assert.deepEqual(planDeletion(again, {}, {}, new Date("2025-01-02T00:00:00Z")), { action: "keep" });
  assert.deepEqual(
    updated(planDeletion({ metadata: { name: "c" } }, { propagationPolicy: "Orphan" }, {}, now)).metadata
      ?.finalizers,
    ["orphan"],
  );
  assert.deepEqual(planDeletion({ metadata: { name: "c" } }, {}, {}, now), { action: "delete" });
});

test("namespaces: first delete marks Terminating; later deletes wait for spec.finalizers", () => {
  const ns: KubeObject = {
    metadata: { name: "t" },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
  const next = updated(planDeletion(ns, { propagationPolicy: "Background" }, namespaceLifecycle, now));
  assert.equal((next.status as { phase: string }).phase, "Terminating");
  assert.equal(next.metadata?.deletionTimestamp, "2025-01-01T00:00:00Z");
  assert.deepEqual(planDeletion(next, {}, namespaceLifecycle, now), { action: "keep" });
  const finalized = { ...next, spec: { finalizers: [] } };
  assert.deepEqual(planDeletion(finalized, {}, namespaceLifecycle, now), { action: "delete" });
});

test("delete during update: only without finalizers and without a running grace period", () => {
  const old: KubeObject = {
    metadata: { name: "c", deletionTimestamp: "x", deletionGracePeriodSeconds: 0, finalizers: ["a/b"] },
  };
  const next: KubeObject = { metadata: { name: "c", deletionTimestamp: "x" } };
  assert.equal(shouldDeleteDuringUpdate(next, old, {}), true);
  assert.equal(shouldDeleteDuringUpdate({ metadata: { finalizers: ["a/b"] } }, old, {}), false);
  assert.equal(
    shouldDeleteDuringUpdate(
      next,
      { metadata: { deletionTimestamp: "x", deletionGracePeriodSeconds: 30 } },
      podLifecycle,
    ),
    false,
  );
  assert.equal(shouldDeleteDuringUpdate(next, { metadata: {} }, {}), false);
  const ns = { ...next, spec: { finalizers: ["kubernetes"] } };
  assert.equal(
    shouldDeleteDuringUpdate(ns, { metadata: { deletionTimestamp: "x" } }, namespaceLifecycle),
    false,
  );
});

test("finalizersFor follows the propagation policy", () => {
  assert.deepEqual(finalizersFor(["a/b", "orphan"], "Background"), ["a/b"]);
  assert.deepEqual(finalizersFor(["a/b"], "Foreground"), ["a/b", "foregroundDeletion"]);
  assert.deepEqual(finalizersFor(["orphan"], undefined), ["orphan"]);
});
