import assert from "node:assert/strict";
import { test } from "node:test";
import type { Namespace } from "kubernetes-types/core/v1.js";
import { deleteNamespaceContent, estimatePodTermination } from "./deleter.ts";
import { MemoryCluster } from "./testing.ts";

const terminating = (name: string): Namespace => ({
  metadata: { name, deletionTimestamp: "2025-01-01T00:00:00Z" },
  spec: { finalizers: ["kubernetes"] },
  status: { phase: "Terminating" },
});

test("empties every resource (deletecollection or one by one), then finalizes", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("t", terminating("t"));
  c.objects.set("pods/t", [{ metadata: { name: "p" } }]);
  c.objects.set("configmaps/t", [{ metadata: { name: "a" } }, { metadata: { name: "b" } }]);
  assert.deepEqual(await deleteNamespaceContent(c, "t"), { done: true });
  assert.deepEqual(c.calls, [
    "deletecollection pods/t",
    "delete configmaps/t/a",
    "delete configmaps/t/b",
    "finalize t []",
  ]);
});

test("remaining terminating pods: retry after half their grace period plus one", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("t", terminating("t"));
  c.sticky.add("p");
  c.objects.set("pods/t", [{ metadata: { name: "p" }, spec: { terminationGracePeriodSeconds: 30 } }]);
  const outcome = await deleteNamespaceContent(c, "t");
  assert.deepEqual(outcome, {
    done: false,
    retryAfterSeconds: 16,
    remaining: ["pods has 1 resource instances"],
  });
  assert.ok(!c.calls.some((x) => x.startsWith("finalize")));
});

test("active, missing or already finalized namespaces are left alone", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("a", { metadata: { name: "a" }, spec: { finalizers: ["kubernetes"] } });
  c.namespaces.set("f", { ...terminating("f"), spec: { finalizers: [] } });
  for (const name of ["a", "f", "none"])
    assert.deepEqual(await deleteNamespaceContent(c, name), { done: true });
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
