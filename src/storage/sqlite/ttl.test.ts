import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { InvalidRequestError } from "../store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import { Collector, keepingAlive } from "./testdata/collect.ts";
import { openTemp } from "./testdata/temp.ts";

test("an expired key is deleted with a normal delete event", async () => {
  const t = openTemp();
  try {
    const s = t.store;
    const c = new Collector();
    s.watch("/ttl/", await s.currentRevision(), c);
    const kv = await s.create("/ttl/a", "{}", { ttlSeconds: 1 });
    assert.equal(kv.lease, 1);
    const kept = await s.create("/ttl/b", "{}");
    // Updating without a TTL detaches the key from expiry (etcd: no lease on the new write).
    const c1 = await s.create("/ttl/c", "{}", { ttlSeconds: 1 });
    await s.update("/ttl/c", "{}", c1.modRevision);
    await keepingAlive(() => c.until(() => c.events.some((e) => e.type === "delete")));
    const del = c.events.find((e) => e.type === "delete");
    assert.ok(del?.type === "delete");
    assert.equal(del.key, "/ttl/a");
    assert.deepEqual(del.prevKv, kv);
    assert.equal(del.revision, kv.modRevision + 4);
    assert.equal(await s.get("/ttl/a"), undefined);
    assert.deepEqual(await s.get("/ttl/b"), kept);
    assert.ok(await s.get("/ttl/c"));
  } finally {
    await t.cleanup();
  }
});

test("expiry survives a restart: keys that expired while closed are gone on open", async () => {
  const t = openTemp();
  // Long enough that x cannot expire before the close even on a loaded machine (each create
  // waits for an fsync), short enough for a test.
  const start = Date.now();
  await t.store.create("/ttl/x", "{}", { ttlSeconds: 2 });
  await t.store.create("/ttl/y", "{}", { ttlSeconds: 3600 });
  const rev = await t.store.currentRevision();
  await t.store.close();
  assert.equal(rev, 2, "x expired before the store closed: the machine is too slow for this test");
  await sleep(Math.max(0, start + 2300 - Date.now()));
  const s = SqliteStore.open({ path: t.path, compaction: false });
  try {
    assert.equal(await s.get("/ttl/x"), undefined);
    assert.ok(await s.get("/ttl/y"));
    // The deletion is a write of its own, visible to watches from before it.
    assert.equal(await s.currentRevision(), rev + 1);
    const c = new Collector();
    s.watch("/ttl/", rev, c);
    await c.until(() => c.events.length === 1);
    assert.equal(c.events[0]?.type, "delete");
  } finally {
    await s.close();
    await t.cleanup();
  }
});

test("invalid TTLs are rejected", async () => {
  const t = openTemp();
  try {
    await assert.rejects(t.store.create("/ttl/z", "{}", { ttlSeconds: 0 }), InvalidRequestError);
    await assert.rejects(t.store.create("/ttl/z", "{}", { ttlSeconds: Number.NaN }), InvalidRequestError);
  } finally {
    await t.cleanup();
  }
});
