import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TestApi } from "../../../test/support/inprocess-api.ts";
import { lifecycleApi } from "./testing.ts";

let api: TestApi;
before(async () => {
  api = await lifecycleApi();
});
after(async () => {
  await api.close();
});

const finalize = (name: string, finalizers: string[]) =>
  api.request("PUT", `/api/v1/namespaces/${name}/finalize`, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name },
    spec: { finalizers },
  });

test("finalize edits spec.finalizers; an active namespace stays", async () => {
  await api.request("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "f1" },
  });
  const res = await finalize("f1", ["kubernetes", "example.com/x"]);
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(res.json.spec.finalizers, ["kubernetes", "example.com/x"]);
  assert.equal((await finalize("f1", ["bad name"])).status, 422);
  assert.equal((await finalize("f1", [])).status, 200);
  assert.equal((await api.request("GET", "/api/v1/namespaces/f1")).status, 200);
});

test("delete → Terminating; finalizing the last finalizer removes the namespace", async () => {
  await api.request("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "f2" },
  });
  const deleted = await api.request("DELETE", "/api/v1/namespaces/f2");
  assert.equal(deleted.status, 200);
  assert.equal(deleted.json.status.phase, "Terminating");
  // Updates keep it while spec.finalizers remain.
  const labeled = await api.request(
    "PATCH",
    "/api/v1/namespaces/f2",
    { metadata: { labels: { a: "b" } } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(labeled.status, 200, labeled.body);
  assert.ok(labeled.json.metadata.deletionTimestamp);
  assert.equal((await api.request("GET", "/api/v1/namespaces/f2")).status, 200);
  assert.equal((await finalize("f2", [])).status, 200);
  assert.equal((await api.request("GET", "/api/v1/namespaces/f2")).status, 404);
});

test("protected namespaces cannot be deleted", async () => {
  const res = await api.request("DELETE", "/api/v1/namespaces/kube-system");
  assert.equal(res.status, 403);
  assert.equal(res.json.message, 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
});
