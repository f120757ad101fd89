import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  CompactedError,
  ConflictError,
  InvalidRequestError,
  KeyExistsError,
  KeyNotFoundError,
  StoreClosedError,
} from "../store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import { openTemp } from "./testdata/temp.ts";

describe("SqliteStore basics", () => {
  const t = openTemp();
  const s = t.store;
  after(() => t.cleanup());

  test("create, get, update, delete with revisions and versions", async () => {
    const base = await s.currentRevision();
    const a = await s.create("/b/a", '{"n":1}');
    assert.deepEqual(a, {
      key: "/b/a",
      value: '{"n":1}',
      createRevision: base + 1,
      modRevision: base + 1,
      version: 1,
      lease: 0,
    });
    await assert.rejects(s.create("/b/a", "{}"), KeyExistsError);
    const a2 = await s.update("/b/a", '{"n":2}', a.modRevision);
    assert.equal(a2.version, 2);
    assert.equal(a2.createRevision, a.createRevision);
    assert.equal(a2.modRevision, base + 2);
    const conflict = await s.update("/b/a", "{}", a.modRevision).catch((e: unknown) => e);
    assert.ok(conflict instanceof ConflictError);
    assert.deepEqual(conflict.current, a2);
    await assert.rejects(s.delete("/b/a", a.modRevision), ConflictError);
    await assert.rejects(s.update("/b/missing", "{}", 1), KeyNotFoundError);
    await assert.rejects(s.delete("/b/missing"), KeyNotFoundError);
    const d = await s.delete("/b/a", a2.modRevision);
    assert.equal(d.revision, base + 3);
    assert.deepEqual(d.prevKv, a2);
    assert.equal(await s.get("/b/a"), undefined);
    // Failed writes do not consume revisions.
    assert.equal(await s.currentRevision(), base + 3);
    await assert.rejects(s.create("", "{}"), InvalidRequestError);
    const again = await s.create("/b/a", "{}");
    assert.equal(again.createRevision, base + 4);
    assert.equal(again.version, 1);
  });

  test("compaction: list and watch below compact revision - 1 fail", async () => {
    const k = await s.create("/c/k", "1");
    const k2 = await s.update("/c/k", "2", k.modRevision);
    const k3 = await s.update("/c/k", "3", k2.modRevision);
    await s.create("/c/l", "{}");
    const page = await s.list("/c/", { limit: 1 });
    await s.compact(k3.modRevision);
    // The value as of compact - 1 is still readable.
    const at = await s.list("/c/", { revision: k3.modRevision - 1 });
    assert.deepEqual(
      at.kvs.map((kv) => kv.value),
      ["2"],
    );
    const err = await s.list("/c/", { revision: k3.modRevision - 2 }).catch((e: unknown) => e);
    assert.ok(err instanceof CompactedError);
    assert.equal(err.compactRevision, k3.modRevision);
    // A continue token at the still-available revision keeps working.
    assert.equal(page.revision, k3.modRevision + 1);
    const next = await s.list("/c/", { limit: 1, continue: page.continue! });
    assert.deepEqual(
      next.kvs.map((kv) => kv.key),
      ["/c/l"],
    );
    await assert.rejects(s.compact((await s.currentRevision()) + 1), InvalidRequestError);
  });
});

describe("SqliteStore persistence and open errors", () => {
  test("revision, data and compact revision survive reopening", async () => {
    const t = openTemp();
    const a = await t.store.create("/r/a", "1");
    await t.store.update("/r/a", "2", a.modRevision);
    await t.store.delete("/r/a");
    await t.store.create("/r/b", "1");
    await t.store.compact(3);
    const rev = await t.store.currentRevision();
    await t.store.close();
    const reopened = SqliteStore.open({ path: t.path, compaction: false });
    try {
      assert.equal(await reopened.currentRevision(), rev);
      assert.equal((await reopened.get("/r/b"))?.value, "1");
      await assert.rejects(reopened.list("/r/", { revision: 1 }), CompactedError);
      assert.equal((await reopened.create("/r/c", "{}")).modRevision, rev + 1);
    } finally {
      await reopened.close();
      await t.cleanup();
    }
  });

  test("operations after close reject with StoreClosedError", async () => {
    const t = openTemp();
    await t.store.close();
    await assert.rejects(t.store.get("/x"), StoreClosedError);
    await assert.rejects(t.store.create("/x", "{}"), StoreClosedError);
    await assert.rejects(t.store.list("/"), StoreClosedError);
    await t.cleanup();
  });
});
