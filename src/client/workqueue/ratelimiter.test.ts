import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
} from "./ratelimiter.ts";

describe("ItemExponentialFailureRateLimiter", () => {
  it("doubles per failure from 5 ms and caps at 1000 s", () => {
    const r = new ItemExponentialFailureRateLimiter<string>();
    assert.deepEqual([r.when("a"), r.when("a"), r.when("a"), r.when("a")], [5, 10, 20, 40]);
    assert.equal(r.numRequeues("a"), 4);
    for (let i = 0; i < 100; i++) r.when("a");
    assert.equal(r.when("a"), 1_000_000);
  });

  it("tracks items separately and forgets", () => {
    const r = new ItemExponentialFailureRateLimiter<string>({ baseDelayMs: 1, maxDelayMs: 100 });
    r.when("a");
    r.when("a");
    assert.equal(r.when("b"), 1);
    r.forget("a");
    assert.equal(r.numRequeues("a"), 0);
    assert.equal(r.when("a"), 1);
  });
});

describe("BucketRateLimiter", () => {
  it("gives the burst at once, then spaces by 1/qps, refilling with time", () => {
    let t = 0;
    const r = new BucketRateLimiter<string>({ qps: 10, burst: 2, now: () => t });
    assert.equal(r.when("x"), 0);
    assert.equal(r.when("y"), 0);
    assert.equal(r.when("z"), 100);
    assert.equal(r.when("z"), 200);
    t = 1000; // 10 tokens accrue, but only up to the burst
    assert.equal(r.when("x"), 0);
    assert.equal(r.when("x"), 0);
    assert.equal(r.when("x"), 100);
  });
});

describe("MaxOfRateLimiter", () => {
  it("takes the longest delay and the default combines both", () => {
    let t = 0;
    const r = new MaxOfRateLimiter<string>(
      new ItemExponentialFailureRateLimiter({ baseDelayMs: 5 }),
      new BucketRateLimiter({ qps: 1, burst: 1, now: () => t }),
    );
    assert.equal(r.when("a"), 5);
    assert.equal(r.when("b"), 1000);
    t = 10_000;
    assert.equal(r.when("a"), 10);
    assert.equal(r.numRequeues("a"), 2);
    r.forget("a");
    assert.equal(r.numRequeues("a"), 0);
    assert.equal(defaultControllerRateLimiter<string>().when("k"), 5);
  });
});
