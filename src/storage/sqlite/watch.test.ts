import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CompactedError, StoreClosedError } from "../store.ts";
import { Collector, keyOf, revisionOf } from "./testdata/collect.ts";
import { openTemp } from "./testdata/temp.ts";

describe("SqliteStore watch", () => {
  test("live events carry prevKv and the delete's own revision", async () => {
    const t = openTemp();
    try {
      const c = new Collector();
      const w = t.store.watch("/w/", await t.store.currentRevision(), c);
      const a = await t.store.create("/w/a", "1");
      await t.store.create("/other", "x");
      const a2 = await t.store.update("/w/a", "2", a.modRevision);
      const d = await t.store.delete("/w/a");
      await c.until(() => c.events.length === 3);
      assert.deepEqual(c.events, [
        { type: "put", kv: a },
        { type: "put", kv: a2, prevKv: a },
        { type: "delete", revision: d.revision, key: "/w/a", prevKv: a2 },
      ]);
      w.close();
    } finally {
      await t.cleanup();
    }
  });

  test("replay from a past revision then live, no gap and no duplicate under concurrent writes", async () => {
    const t = openTemp();
    try {
      const s = t.store;
      // History before the watch starts, more than one replay chunk.
      for (let i = 0; i < 1500; i++) await s.create(`/r/${i}`, `{"i":${i}}`);
      const from = 200;
      const c = new Collector();
      const w = s.watch("/r/", from, c);
      // Concurrent writers while the replay is in progress.
      const writers = Array.from({ length: 20 }, async (_, n) => {
        for (let j = 0; j < 50; j++) {
          const key = `/r/${n}`;
          const cur = await s.get(key);
          await s.update(key, `{"w":${j}}`, cur!.modRevision);
        }
      });
      await Promise.all(writers);
      const last = await s.currentRevision();
      await c.until(() => c.events.length > 0 && revisionOf(c.events[c.events.length - 1]!) === last);
      const revs = c.events.map(revisionOf);
      assert.deepEqual(
        revs,
        Array.from({ length: last - from }, (_, i) => from + 1 + i),
      );
      // Updates replayed from the database carry their previous value too.
      const firstUpdate = c.events.find((e) => e.type === "put" && e.kv.version === 2);
      assert.ok(firstUpdate?.type === "put" && firstUpdate.prevKv?.version === 1);
      w.close();
    } finally {
      await t.cleanup();
    }
  });

  test("prefix filtering during replay and live", async () => {
    const t = openTemp();
    try {
      await t.store.create("/a/1", "{}");
      await t.store.create("/b/1", "{}");
      const c = new Collector();
      const w = t.store.watch("/a/", 0, c);
      await t.store.create("/b/2", "{}");
      await t.store.create("/a/2", "{}");
      await c.until(() => c.events.length === 2);
      assert.deepEqual(c.events.map(keyOf), ["/a/1", "/a/2"]);
      w.close();
    } finally {
      await t.cleanup();
    }
  });

  test("a watch from before the compact revision - 1 fails with CompactedError", async () => {
    const t = openTemp();
    try {
      for (let i = 0; i < 10; i++) await t.store.create(`/k/${i}`, "{}");
      await t.store.compact(6);
      const ok = new Collector();
      t.store.watch("/k/", 5, ok);
      await ok.until(() => ok.events.length === 5);
      assert.equal(ok.error, undefined);
      assert.equal(revisionOf(ok.events[0]!), 6);
      const bad = new Collector();
      t.store.watch("/k/", 4, bad);
      await bad.until(() => bad.error !== undefined);
      assert.ok(bad.error instanceof CompactedError);
      assert.equal(bad.error.requestedRevision, 4);
      assert.equal(bad.error.compactRevision, 6);
    } finally {
      await t.cleanup();
    }
  });

  test("close ends watches with StoreClosedError; closed watchers get nothing", async () => {
    const t = openTemp();
    const open = new Collector();
    t.store.watch("/", 0, open);
    const closed = new Collector();
    t.store.watch("/", 0, closed).close();
    await t.store.create("/x", "{}");
    await open.until(() => open.events.length === 1);
    await t.cleanup();
    assert.ok(open.error instanceof StoreClosedError);
    assert.deepEqual(closed.events, []);
    assert.equal(closed.error, undefined);
  });
});
