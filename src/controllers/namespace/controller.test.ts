import assert from "node:assert/strict";
import { test } from "node:test";
import { NamespaceController } from "./controller.ts";
import { MemoryCluster } from "./testing.ts";

const terminating = (name: string) => ({
  metadata: { name, deletionTimestamp: "2025-01-01T00:00:00Z" },
  spec: { finalizers: ["kubernetes"] },
});

test("finishes namespaces already terminating at start, then those the watch reports", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("old", terminating("old"));
  c.namespaces.set("live", { metadata: { name: "live" }, spec: { finalizers: ["kubernetes"] } });
  const controller = new NamespaceController({ client: c });
  await controller.start();
  await controller.idle();
  assert.deepEqual([...c.namespaces.keys()], ["live"]);
  c.namespaces.set("live", terminating("live"));
  for (const w of c.watchers) w(terminating("live"));
  await controller.idle();
  assert.equal(c.namespaces.size, 0);
  await controller.stop();
  assert.equal(c.watchers.length, 0);
});

test("a failing pass is reported and retried", async () => {
  const c = new MemoryCluster();
  c.namespaces.set("t", terminating("t"));
  let failures = 1;
  const list = c.list.bind(c);
  c.list = async (r, ns) => {
    if (failures-- > 0) throw new Error("boom");
    return list(r, ns);
  };
  const errors: string[] = [];
  const controller = new NamespaceController({
    client: c,
    onError: (err, ns) => errors.push(`${ns}: ${(err as Error).message}`),
    backoff: { initialMs: 10, maxMs: 10 },
  });
  await controller.start();
  for (let i = 0; i < 100 && c.namespaces.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(errors, ["t: boom"]);
  assert.equal(c.namespaces.size, 0);
  await controller.stop();
});
