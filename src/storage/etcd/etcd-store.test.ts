import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type EtcdServer, freePort, startEtcd } from "../../../test/support/etcd.ts";
import { WatchRecorder } from "../../../test/support/watch-recorder.ts";
import {
  CompactedError,
  ConflictError,
  InvalidRequestError,
  KeyExistsError,
  KeyNotFoundError,
  StoreClosedError,
  StoreUnavailableError,
} from "../store.ts";
import { EtcdStore } from "./etcd-store.ts";

let etcd: EtcdServer;
let store: EtcdStore;

before(async () => {
  etcd = await startEtcd();
  store = await EtcdStore.connect({ endpoints: [etcd.endpoint], compaction: false });
});

after(async () => {
  await store?.close();
  await etcd?.stop();
});

test("create, get, update, delete under the prefix, with etcd's revisions and versions", async () => {
  const other = await EtcdStore.connect({ endpoints: [etcd.endpoint], prefix: "/other/", compaction: false });
  try {
    const created = await store.create("crud/a", '{"n":1}');
    assert.equal(created.version, 1);
    assert.equal(created.createRevision, created.modRevision);
    assert.equal(created.lease, 0);
    assert.deepEqual(await store.get("crud/a"), created);
    assert.equal(await other.get("crud/a"), undefined, "another prefix is another keyspace");
    assert.equal(await other.count("crud/"), 0);

    const updated = await store.update("crud/a", '{"n":2}', created.modRevision);
    assert.equal(updated.version, 2);
    assert.equal(updated.createRevision, created.createRevision);
    assert.ok(updated.modRevision > created.modRevision);
    assert.deepEqual(await store.get("crud/a"), updated);
    assert.equal(await store.currentRevision(), updated.modRevision);

    const deleted = await store.delete("crud/a", updated.modRevision);
    assert.equal(deleted.revision, updated.modRevision + 1);
    assert.deepEqual(deleted.prevKv, updated);
    assert.equal(await store.get("crud/a"), undefined);

    await store.create("crud/b", "b");
    const unconditional = await store.delete("crud/b");
    assert.equal(unconditional.prevKv.value, "b");
  } finally {
    await other.close();
  }
});

test("write failures: exists, conflict carrying the current value, not found", async () => {
  const kv = await store.create("fail/a", "1");
  await assert.rejects(store.create("fail/a", "2"), KeyExistsError);
  const current = await store.update("fail/a", "2", kv.modRevision);

  const conflict = await store.update("fail/a", "3", kv.modRevision).catch((e: unknown) => e);
  assert.ok(conflict instanceof ConflictError);
  assert.equal(conflict.expectedModRevision, kv.modRevision);
  assert.deepEqual(conflict.current, current);

  const delConflict = await store.delete("fail/a", kv.modRevision).catch((e: unknown) => e);
  assert.ok(delConflict instanceof ConflictError);
  assert.deepEqual(delConflict.current, current);

  await assert.rejects(store.update("fail/missing", "x", 5), KeyNotFoundError);
  // mod_revision of an absent key compares equal to 0 in etcd: update must not create it.
  await assert.rejects(store.update("fail/missing", "x", 0), KeyNotFoundError);
  assert.equal(await store.get("fail/missing"), undefined);
  await assert.rejects(store.delete("fail/missing"), KeyNotFoundError);
  await assert.rejects(store.delete("fail/missing", 3), KeyNotFoundError);
});

test("list pages at one revision with limit/continue and counts the rest", async () => {
  for (const name of ["a", "b", "c", "d", "e"]) await store.create(`page/${name}`, name);
  await store.create("pagex", "outside the prefix page/");
  const first = await store.list("page/", { limit: 2 });
  assert.deepEqual(
    first.kvs.map((kv) => kv.key),
    ["page/a", "page/b"],
  );
  assert.equal(first.remaining, 3);
  assert.ok(first.continue);

  // Writes after the first page do not show up in later pages.
  await store.create("page/bb", "late");
  await store.delete("page/e");
  const second = await store.list("page/", { limit: 2, continue: first.continue });
  assert.equal(second.revision, first.revision);
  assert.deepEqual(
    second.kvs.map((kv) => kv.key),
    ["page/c", "page/d"],
  );
  assert.equal(second.remaining, 1);
  const third = await store.list("page/", { limit: 2, continue: second.continue! });
  assert.deepEqual(
    third.kvs.map((kv) => kv.key),
    ["page/e"],
  );
  assert.equal(third.continue, undefined);
  assert.equal(third.remaining, undefined);

  const all = await store.list("page/");
  assert.deepEqual(
    all.kvs.map((kv) => kv.key),
    ["page/a", "page/b", "page/bb", "page/c", "page/d"],
  );
  assert.equal(all.revision, await store.currentRevision());
  assert.equal(await store.count("page/"), 5);

  const old = await store.list("page/", { revision: first.revision });
  assert.equal(old.kvs.length, 5);
  assert.equal(old.revision, first.revision);

  await assert.rejects(store.list("page/", { revision: all.revision + 100 }), InvalidRequestError);
  await assert.rejects(store.list("page/", { continue: "garbage!" }), InvalidRequestError);
  await assert.rejects(store.list("other/", { continue: first.continue }), InvalidRequestError);
});

test("watch delivers history and live changes in order, with previous values", async () => {
  const start = await store.currentRevision();
  const a = await store.create("watch/a", "1");
  const recorder = new WatchRecorder();
  const watcher = store.watch("watch/", start, recorder);
  try {
    const a2 = await store.update("watch/a", "2", a.modRevision);
    await store.create("watchx", "not in the prefix watch/");
    const del = await store.delete("watch/a");
    await recorder.untilEvents(3);
    assert.deepEqual(recorder.events, [
      { type: "put", kv: a },
      { type: "put", kv: a2, prevKv: a },
      { type: "delete", revision: del.revision, key: "watch/a", prevKv: a2 },
    ]);
    assert.equal(recorder.error, undefined);
  } finally {
    watcher.close();
  }
});

test("a watch from a compacted revision fails with the compact revision", async () => {
  const start = await store.currentRevision();
  let kv = await store.create("compact/a", "0");
  for (let i = 1; i <= 5; i++) kv = await store.update("compact/a", String(i), kv.modRevision);
  await store.compact(kv.modRevision);
  await store.compact(kv.modRevision - 1); // already compacted: nothing to do

  const recorder = new WatchRecorder();
  const watcher = store.watch("compact/", start, recorder);
  await recorder.untilError();
  watcher.close();
  assert.ok(recorder.error instanceof CompactedError);
  assert.equal(recorder.error.requestedRevision, start);
  assert.equal(recorder.error.compactRevision, kv.modRevision);
  assert.equal(recorder.events.length, 0);

  // From compactRevision - 1 history is complete.
  const ok = new WatchRecorder();
  const live = store.watch("compact/", kv.modRevision - 1, ok);
  try {
    await ok.untilEvents(1);
    assert.equal(ok.events[0]?.type, "put");
  } finally {
    live.close();
  }

  const listed = await store.list("compact/", { revision: start }).catch((e: unknown) => e);
  assert.ok(listed instanceof CompactedError);
  assert.equal(listed.compactRevision, kv.modRevision);
  await assert.rejects(store.compact(kv.modRevision + 1000), InvalidRequestError);
});

test("ttlSeconds attaches a shared lease and the key expires with a delete event", async () => {
  const start = await store.currentRevision();
  const recorder = new WatchRecorder();
  const watcher = store.watch("ttl/", start, recorder);
  try {
    const a = await store.create("ttl/a", "a", { ttlSeconds: 2 });
    const b = await store.create("ttl/b", "b", { ttlSeconds: 2 });
    const c = await store.create("ttl/c", "c");
    assert.ok(a.lease > 0);
    assert.equal(b.lease, a.lease, "writes with one TTL share a lease");
    assert.deepEqual(await store.get("ttl/a"), a);
    await recorder.until(() => recorder.events.filter((e) => e.type === "delete").length >= 2);
    const deletes = recorder.events.filter((e) => e.type === "delete");
    assert.deepEqual(deletes.map((e) => e.key).sort(), ["ttl/a", "ttl/b"]);
    assert.equal(await store.get("ttl/a"), undefined);
    assert.deepEqual(await store.get("ttl/c"), c);
  } finally {
    watcher.close();
  }
});

test("close ends watches with StoreClosedError and later calls fail", async () => {
  const own = await EtcdStore.connect({ endpoints: [etcd.endpoint], compaction: { intervalMs: 60_000 } });
  const recorder = new WatchRecorder();
  own.watch("closing/", await own.currentRevision(), recorder);
  await own.close();
  assert.ok(recorder.error instanceof StoreClosedError);
  await assert.rejects(own.get("closing/a"), StoreClosedError);
  const late = new WatchRecorder();
  own.watch("closing/", 0, late);
  await late.untilError();
  assert.ok(late.error instanceof StoreClosedError);
  await own.close();
});

test("connect fails with StoreUnavailableError naming the endpoints when etcd is down", async () => {
  const dead = `127.0.0.1:${await freePort()}`;
  const err = await EtcdStore.connect({ endpoints: [dead], connectTimeoutMs: 1_000 }).catch(
    (e: unknown) => e,
  );
  assert.ok(err instanceof StoreUnavailableError);
  assert.match(err.message, new RegExp(dead));
});

test("connect and requests fail over past a dead endpoint", async () => {
  const dead = `127.0.0.1:${await freePort()}`;
  const failover = await EtcdStore.connect({
    endpoints: [dead, `http://${etcd.endpoint}`],
    compaction: false,
  });
  try {
    const kv = await failover.create("failover/a", "a");
    assert.deepEqual(await store.get("failover/a"), kv);
  } finally {
    await failover.close();
  }
});

test("periodic compaction keeps the retained window", async () => {
  const compacting = await EtcdStore.connect({
    endpoints: [etcd.endpoint],
    compaction: { intervalMs: 100, retainRevisions: 2 },
  });
  try {
    const start = await compacting.currentRevision();
    let kv = await compacting.create("autocompact/a", "0");
    for (let i = 1; i <= 4; i++) kv = await compacting.update("autocompact/a", String(i), kv.modRevision);
    const current = await compacting.currentRevision();
    for (;;) {
      const err = await compacting.list("autocompact/", { revision: start }).catch((e: unknown) => e);
      if (err instanceof CompactedError) {
        assert.ok(err.compactRevision <= current - 2 + 1);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const kept = await compacting.list("autocompact/", { revision: current - 2 });
    assert.equal(kept.kvs.length, 1);
  } finally {
    await compacting.close();
  }
});
