import assert from "node:assert/strict";
import { test } from "node:test";
import { exponentialBuckets, linearBuckets, schedulerAttemptBuckets, workqueueBuckets } from "./buckets.ts";

test("bucket helpers follow client_golang", () => {
  assert.deepEqual(exponentialBuckets(1, 2, 4), [1, 2, 4, 8]);
  assert.deepEqual(linearBuckets(0, 5, 3), [0, 5, 10]);
  assert.throws(() => exponentialBuckets(0, 2, 3), RangeError);
  assert.equal(schedulerAttemptBuckets.length, 15);
  assert.equal(schedulerAttemptBuckets[14], 0.001 * 2 ** 14);
  assert.equal(workqueueBuckets.length, 10);
  assert.ok(Math.abs((workqueueBuckets[0] ?? 0) - 1e-8) < 1e-20);
});
