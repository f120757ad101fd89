import assert from "node:assert/strict";
import { test } from "node:test";
import { SqliteStore } from "./sqlite-store.ts";
import { openTemp } from "./testdata/temp.ts";
import { WalSync } from "./walsync.ts";

test("a store with full durability acknowledges writes and sees them after reopening", async () => {
  const t = openTemp();
  try {
    const kvs = await Promise.all(Array.from({ length: 50 }, (_, i) => t.store.create(`/w/${i}`, String(i))));
    assert.deepEqual(
      kvs.map((kv) => kv.modRevision).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    await t.store.close();
    const reopened = SqliteStore.open({ path: t.path, compaction: false });
    try {
      assert.equal((await reopened.list("/w/")).kvs.length, 50);
    } finally {
      await reopened.close();
    }
  } finally {
    await t.cleanup();
  }
});

test("batches waiting behind a running sync share the next one, in order", async () => {
  const t = openTemp({ synchronous: "normal" });
  try {
    await t.store.create("/x", "1");
    const sync = new WalSync(`${t.path}-wal`);
    const order: number[] = [];
    for (let i = 0; i < 5; i++) sync.after((err) => order.push(err ? -i : i));
    await sync.drain();
    sync.close();
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  } finally {
    await t.cleanup();
  }
});

test("a sync that cannot open the log reports StoreUnavailableError to every waiter", async () => {
  const sync = new WalSync("/nonexistent/dir/state.db-wal");
  const errors = await Promise.all(
    [0, 1].map(() => new Promise<unknown>((resolve) => sync.after((err) => resolve(err)))),
  );
  for (const err of errors) assert.equal((err as Error | undefined)?.name, "StoreUnavailableError");
});
