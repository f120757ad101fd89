import assert from "node:assert/strict";
import { test } from "node:test";
import { SchedulingQueue } from "./queue.ts";
import { testPod } from "./testing.ts";

function withQueue(fn: (q: SchedulingQueue, clock: { t: number }) => Promise<void>): () => Promise<void> {
  return async () => {
    const clock = { t: 1_000_000 };
    const q = new SchedulingQueue({ initialBackoffMs: 100, maxBackoffMs: 400, now: () => clock.t });
    try {
      await fn(q, clock);
    } finally {
      q.close();
    }
  };
}

test(
  "pops by priority, then creation time",
  withQueue(async (q) => {
    const at = (name: string, ts: string, priority: number) => {
      const p = testPod({ name, priority });
      p.metadata = { ...p.metadata, creationTimestamp: ts };
      return p;
    };
    q.add(at("old-low", "2024-01-01T00:00:00Z", 0));
    q.add(at("new-high", "2024-01-01T00:00:05Z", 100));
    q.add(at("old-high", "2024-01-01T00:00:01Z", 100));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())?.info.key);
    assert.deepEqual(order, ["default/old-high", "default/new-high", "default/old-low"]);
  }),
);

test(
  "an unschedulable pod is parked until a cluster change, then backs off before retrying",
  withQueue(async (q, clock) => {
    q.add(testPod({ name: "p" }));
    const qpi = await q.pop();
    assert.ok(qpi);
    const cycle = q.schedulingCycle;
    q.addUnschedulable(qpi, cycle);
    assert.equal(q.where("default/p"), "unschedulable");
    q.moveAllToActiveOrBackoff();
    assert.equal(q.where("default/p"), "backoff"); // still inside its 100 ms backoff
    clock.t += 150;
    q.flushBackoff();
    assert.equal(q.where("default/p"), "active");
    assert.equal((await q.pop())?.info.key, "default/p");
  }),
);

test(
  "a move request during the pod's own cycle sends it to backoff, not parking",
  withQueue(async (q) => {
    q.add(testPod({ name: "p" }));
    const qpi = await q.pop();
    assert.ok(qpi);
    const cycle = q.schedulingCycle;
    q.moveAllToActiveOrBackoff(); // e.g. a node was added while the cycle ran
    q.addUnschedulable(qpi, cycle);
    assert.equal(q.where("default/p"), "backoff");
  }),
);

test(
  "backoff doubles per attempt up to the maximum; deleted pods vanish; pop waits for adds",
  withQueue(async (q) => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((a) => q.backoffFor(a)),
      [100, 200, 400, 400, 400],
    );
    q.add(testPod({ name: "gone" }));
    q.delete("default/gone");
    const waiting = q.pop();
    q.add(testPod({ name: "later" }));
    assert.equal((await waiting)?.info.key, "default/later");
  }),
);

test("close releases waiters", async () => {
  const q = new SchedulingQueue();
  const waiting = q.pop();
  q.close();
  assert.equal(await waiting, undefined);
});
