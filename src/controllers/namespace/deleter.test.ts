import assert from "node:assert/strict";
import { test } from "node:test";
import type { Namespace } from "kubernetes-types/core/v1.js";
import { deleteNamespaceContent, estimatePodTermination, NamespaceDeletionError } from "./deleter.ts";
import { MemoryCluster } from "./testing.ts";

const terminating = (name: string): Namespace => ({
  metadata: { name, deletionTimestamp: "2025-01-01T00:00:00Z" },
  spec: { finalizers: ["kubernetes"] },
  status: { phase: "Terminating" },
});

const now = () => new Date("2025-01-01T00:00:10Z");
const condition = (c: MemoryCluster, ns: string, type: string) =>
  c.namespaces.get(ns)?.status?.conditions?.find((x) => x.type === type);

test("empties every resource (deletecollection or one by one), then finalizes", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("t", terminating("t"));
  c.objects.set("pods/t", [{ metadata: { name: "p" } }]);
  c.objects.set("configmaps/t", [{ metadata: { name: "a" } }, { metadata: { name: "b" } }]);
  assert.deepEqual(await deleteNamespaceContent(c, "t", now), { done: true });
  assert.deepEqual(c.calls, [
    "deletecollection pods/t",
    "delete configmaps/t/a",
    "delete configmaps/t/b",
    "finalize t []",
  ]);
});

test("remaining pods: retry after half their grace period plus one, conditions say what remains", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("t", terminating("t"));
  c.sticky.add("p");
  c.objects.set("pods/t", [
    {
      metadata: { name: "p", finalizers: ["example.com/hold"] },
      spec: { terminationGracePeriodSeconds: 30 },
    },
  ]);
  const outcome = await deleteNamespaceContent(c, "t", now);
  assert.deepEqual(outcome, {
    done: false,
    retryAfterSeconds: 16,
    remaining: ["pods. has 1 resource instances"],
  });
  assert.ok(!c.calls.some((x) => x.startsWith("finalize")));
  assert.deepEqual(condition(c, "t", "NamespaceContentRemaining"), {
    type: "NamespaceContentRemaining",
    status: "True",
    lastTransitionTime: "2025-01-01T00:00:10Z",
    reason: "SomeResourcesRemain",
    message: "Some resources are remaining: pods. has 1 resource instances",
  });
  assert.equal(
    condition(c, "t", "NamespaceFinalizersRemaining")?.message,
    "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
  );
  assert.equal(condition(c, "t", "NamespaceDeletionDiscoveryFailure")?.status, "False");
  assert.equal(condition(c, "t", "NamespaceDeletionContentFailure")?.reason, "ContentDeleted");
});

test("discovery and content failures are reported as conditions and fail the pass", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("t", terminating("t"));
  c.discoveryFailures = ["metrics.example.com/v1: unavailable"];
  c.list = async () => {
    throw new Error("boom");
  };
  await assert.rejects(deleteNamespaceContent(c, "t", now), NamespaceDeletionError);
  assert.equal(
    condition(c, "t", "NamespaceDeletionDiscoveryFailure")?.message,
    "Discovery failed for some groups, 1 failing: metrics.example.com/v1: unavailable",
  );
  assert.equal(condition(c, "t", "NamespaceDeletionContentFailure")?.status, "True");
  assert.ok(!c.calls.some((x) => x.startsWith("finalize")));
});

test("active, missing or already finalized namespaces are left alone", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("a", { metadata: { name: "a" }, spec: { finalizers: ["kubernetes"] } });
  c.namespaces.set("f", { ...terminating("f"), spec: { finalizers: [] } });
  for (const name of ["a", "f", "none"])
    assert.deepEqual(await deleteNamespaceContent(c, name, now), { done: true });
  assert.deepEqual(c.calls, []);
});

test("estimatePodTermination ignores finished pods", () => {
  assert.equal(
    estimatePodTermination([
      { spec: { containers: [], terminationGracePeriodSeconds: 10 } },
      { spec: { containers: [], terminationGracePeriodSeconds: 99 }, status: { phase: "Succeeded" } },
    ]),
    10,
  );
});
