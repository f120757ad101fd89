import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock, TimerQueue } from "./clock.ts";

test("the manual clock runs entries in time order as it advances, skipping cancelled ones", () => {
  const clock = new ManualClock(1000);
  const seen: string[] = [];
  clock.at(1300, () => seen.push("c"));
  clock.at(1100, () => {
    seen.push(`a@${clock.now()}`);
    clock.at(1200, () => seen.push("b"));
  });
  clock.at(1150, () => seen.push("never")).cancel();
  clock.advance(250);
  assert.deepEqual(seen, ["a@1100", "b"]);
  assert.equal(clock.now(), 1250);
  clock.advance(50);
  assert.deepEqual(seen, ["a@1100", "b", "c"]);
});

test("the timer queue fires due entries on one timer and stop() drops the rest", async () => {
  const timers = new TimerQueue();
  const fired: number[] = [];
  // One base time: a stall between calls must not reorder entries that are due 15 ms apart.
  const t0 = timers.now();
  await new Promise<void>((done) => {
    timers.at(t0 + 20, () => {
      fired.push(2);
      done();
    });
    timers.at(t0 + 5, () => fired.push(1));
    timers.at(t0 + 60_000, () => fired.push(3));
  });
  assert.deepEqual(fired, [1, 2]);
  assert.equal(timers.pending, 1);
  timers.stop();
  assert.equal(timers.pending, 0);
});
