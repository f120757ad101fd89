import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type RestartableEtcdServer, startRestartableEtcd } from "../../../test/support/etcd.ts";
import { WatchRecorder } from "../../../test/support/watch-recorder.ts";
import { StoreUnavailableError } from "../store.ts";
import { EtcdStore } from "./etcd-store.ts";

let etcd: RestartableEtcdServer;

before(async () => {
  etcd = await startRestartableEtcd();
});

after(async () => {
  await etcd?.stop();
});

test("a watch survives an etcd restart: nothing lost, nothing repeated", async () => {
  const store = await EtcdStore.connect({ endpoints: [etcd.endpoint], compaction: false });
  try {
    const start = await store.currentRevision();
    const recorder = new WatchRecorder();
    const watcher = store.watch("restart/", start, recorder);
    for (let i = 0; i < 3; i++) await store.create(`restart/before-${i}`, String(i));
    await recorder.untilEvents(3);

    await etcd.kill();
    await etcd.restart();
    // Requests retry until etcd is back; the watch re-opens from the last delivered revision.
    for (let i = 0; i < 3; i++) await store.create(`restart/after-${i}`, String(i));
    await recorder.untilEvents(6);

    const revisions = recorder.events.map((e) => (e.type === "put" ? e.kv.modRevision : e.revision));
    assert.deepEqual(
      revisions,
      revisions.map((_, i) => start + 1 + i),
    );
    assert.deepEqual(
      recorder.events.map((e) => (e.type === "put" ? e.kv.key : e.key)),
      [0, 1, 2].map((i) => `restart/before-${i}`).concat([0, 1, 2].map((i) => `restart/after-${i}`)),
    );
    assert.equal(recorder.error, undefined);
    watcher.close();
  } finally {
    await store.close();
  }
});

test("a watch reports StoreUnavailableError when etcd stays down", async () => {
  const store = await EtcdStore.connect({
    endpoints: [etcd.endpoint],
    compaction: false,
    watchRetryForMs: 500,
    requestTimeoutMs: 1_000,
  });
  try {
    const recorder = new WatchRecorder();
    store.watch("down/", await store.currentRevision(), recorder);
    await etcd.kill();
    await recorder.untilError();
    assert.ok(recorder.error instanceof StoreUnavailableError);
    await assert.rejects(store.get("down/a"), StoreUnavailableError);
  } finally {
    await store.close();
    await etcd.restart();
  }
});
