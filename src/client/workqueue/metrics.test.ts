import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, sumOf } from "../../../test/metrics-prom/expfmt.ts";
import { defaultRegistry } from "../../metrics/index.ts";
import { WorkQueue } from "./queue.ts";

async function scrape() {
  return parseExposition(await defaultRegistry.expose());
}

test("a named queue reports depth, adds, queue and work durations and retries", async () => {
  const name = "metrics-test-queue";
  const q = new WorkQueue<string>({ name });
  try {
    q.add("a");
    q.add("b");
    q.add("a");
    let f = await scrape();
    assert.equal(sumOf(f, "workqueue_depth", { name }), 2);
    assert.equal(sumOf(f, "workqueue_adds_total", { name }), 2);
    const item = await q.get();
    assert.equal(item, "a");
    f = await scrape();
    assert.equal(sumOf(f, "workqueue_depth", { name }), 1);
    assert.ok(sumOf(f, "workqueue_unfinished_work_seconds", { name }) >= 0);
    q.done("a");
    q.addRateLimited("a");
    f = await scrape();
    const h = (metric: string) => sumOf(f, metric, { name }, `${metric}_count`);
    assert.equal(h("workqueue_queue_duration_seconds"), 1);
    assert.equal(h("workqueue_work_duration_seconds"), 1);
    assert.equal(sumOf(f, "workqueue_retries_total", { name }), 1);
  } finally {
    q.shutDown();
  }
});

test("unnamed queues add no series", async () => {
  const before = (await defaultRegistry.expose()).length;
  const q = new WorkQueue<string>();
  q.add("x");
  q.shutDown();
  assert.equal((await defaultRegistry.expose()).length, before);
});
