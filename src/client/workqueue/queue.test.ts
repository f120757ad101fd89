import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WorkQueue } from "./queue.ts";
import { ItemExponentialFailureRateLimiter } from "./ratelimiter.ts";

describe("WorkQueue", () => {
  it("is FIFO and de-duplicates queued keys", async () => {
    const q = new WorkQueue<string>();
    q.add("a");
    q.add("b");
    q.add("a");
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), "a");
    assert.equal(await q.get(), "b");
    q.done("a");
    q.done("b");
    q.shutDown();
  });

  it("re-queues a key added while it is processed, only after done", async () => {
    const q = new WorkQueue<string>();
    q.add("a");
    const first = await q.get();
    q.add("a");
    q.add("a");
    assert.equal(q.len(), 0, "not handed out twice concurrently");
    q.done("a");
    assert.equal(q.len(), 1);
    assert.equal(first, "a");
    assert.equal(await q.get(), "a");
    q.done("a");
    assert.equal(q.len(), 0);
    q.shutDown();
  });

  it("wakes a waiting worker on add", async () => {
    const q = new WorkQueue<string>();
    const got = q.get();
    q.add("x");
    assert.equal(await got, "x");
    q.add("x");
    assert.equal(q.len(), 0, "processing: held back");
    q.done("x");
    assert.equal(await q.get(), "x");
    q.done("x");
    q.shutDown();
  });

  it("delays adds and keeps the earliest time for a waiting key", async () => {
    let t = 0;
    const q = new WorkQueue<string>({ now: () => t });
    q.addAfter("late", 10_000);
    q.addAfter("soon", 1);
    q.addAfter("late", 2);
    assert.equal(q.len(), 0);
    t = 5;
    const order = [await q.get(), await q.get()];
    assert.deepEqual(order, ["soon", "late"]);
    q.shutDown();
  });

  it("backs off with addRateLimited and resets with forget", async () => {
    let t = 0;
    const q = new WorkQueue<string>({
      now: () => t,
      rateLimiter: new ItemExponentialFailureRateLimiter({ baseDelayMs: 1, maxDelayMs: 8 }),
    });
    q.addRateLimited("k");
    q.addRateLimited("k");
    assert.equal(q.numRequeues("k"), 2);
    t = 100;
    assert.equal(await q.get(), "k");
    q.done("k");
    q.forget("k");
    assert.equal(q.numRequeues("k"), 0);
    q.shutDown();
  });

  it("shutDown hands out queued keys, then undefined, and ignores new adds", async () => {
    const q = new WorkQueue<string>();
    q.add("a");
    q.addAfter("later", 60_000);
    q.shutDown();
    q.add("b");
    assert.equal(await q.get(), "a");
    assert.equal(await q.get(), undefined);
    const waiting = new WorkQueue<string>();
    const w = waiting.get();
    waiting.shutDown();
    assert.equal(await w, undefined);
  });

  it("shutDownWithDrain waits for keys being processed", async () => {
    const q = new WorkQueue<string>();
    q.add("a");
    const key = await q.get();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => {
      drained = true;
    });
    await Promise.resolve();
    assert.equal(drained, false);
    q.done(key ?? "");
    await drain;
    assert.equal(drained, true);
  });
});
