import assert from "node:assert/strict";
import { test } from "node:test";
import { CpuRateCache } from "./rate-cache.ts";

test("the rate is measured against a sample at least the minimum window old", () => {
  const c = new CpuRateCache(1000);
  assert.equal(c.rate("k", 0, 0), undefined);
  // 0.1 s of CPU in 0.5 s: 200m (no sample is a full window old yet: from the oldest).
  assert.equal(c.rate("k", 500, 100_000_000), 200_000_000);
  assert.equal(c.rate("k", 1000, 500_000_000), 500_000_000);
  // From t=1000 on, the window starts at the newest sample at least 1 s old.
  assert.equal(c.rate("k", 2000, 600_000_000), 100_000_000);
  assert.equal(c.rate("k", 2500, 1_100_000_000), 400_000_000);
});

test("a scrape right after another still measures over the full window", () => {
  const c = new CpuRateCache(1000);
  c.rate("k", 0, 0);
  assert.equal(c.rate("k", 1000, 250_000_000), 250_000_000);
  // 2 ms later, with no CPU used in between: still the rate since t=0, not 0.
  assert.equal(c.rate("k", 1002, 250_000_000), (250_000_000 * 1e3) / 1002);
  // And a second later, from t=1000.
  assert.equal(c.rate("k", 2000, 500_000_000), 250_000_000);
});

test("a counter reset starts over; unseen keys are swept", () => {
  const c = new CpuRateCache(0);
  c.rate("a", 0, 100);
  c.rate("b", 0, 100);
  assert.equal(c.rate("a", 10, 50), undefined);
  c.sweep();
  c.rate("a", 20, 60);
  c.sweep();
  assert.equal(c.size, 1);
});
