import assert from "node:assert/strict";
import { test } from "node:test";
import { ConcurrencyLimiter } from "./limiter.ts";

test("no more than the limit run at once; all complete, failures included", async () => {
  const limiter = new ConcurrencyLimiter(2);
  let running = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const tasks = [0, 1, 2, 3, 4].map((i) =>
    limiter.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => releases.push(r));
      running--;
      if (i === 3) throw new Error("boom");
      return i;
    }),
  );
  const settled = Promise.allSettled(tasks);
  for (let done = 0; done < 5; done++) {
    while (releases.length === 0) await new Promise((r) => setImmediate(r));
    assert.ok(limiter.inFlight <= 2);
    releases.shift()?.();
  }
  const results = await settled;
  assert.equal(peak, 2);
  assert.deepEqual(
    results.map((r) => r.status),
    ["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled"],
  );
  assert.equal(limiter.inFlight, 0);
});
