import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../clock.ts";
import { BackOff } from "./backoff.ts";

test("delays double from 10 s to the 5 min cap", () => {
  const clock = new ManualClock();
  const b = new BackOff({ clock });
  const seen: number[] = [];
  for (let i = 0; i < 8; i++) {
    b.next("c");
    seen.push(b.delay("c") / 1000);
    clock.advance(1000);
  }
  assert.deepEqual(seen, [10, 20, 40, 80, 160, 300, 300, 300]);
});

test("an exit inside the window is in back-off until the delay has passed", () => {
  const clock = new ManualClock();
  const b = new BackOff({ clock });
  assert.equal(b.isInBackOffSince("c", clock.now()), false, "no entry yet: restart at once");
  b.next("c");
  const exit = clock.now();
  assert.equal(b.isInBackOffSince("c", exit), true);
  clock.advance(9_999);
  assert.equal(b.isInBackOffSince("c", exit), true);
  clock.advance(1);
  assert.equal(b.isInBackOffSince("c", exit), false);
  assert.equal(b.until("c", exit), exit + 10_000);
});

test("running 10 minutes resets the back-off", () => {
  const clock = new ManualClock();
  const b = new BackOff({ clock });
  b.next("c");
  b.next("c");
  b.next("c");
  assert.equal(b.delay("c"), 40_000);
  clock.advance(10 * 60_000 + 1);
  assert.equal(b.isInBackOffSince("c", clock.now()), false);
  b.next("c");
  assert.equal(b.delay("c"), 10_000);
  b.resetPrefix("c");
  assert.equal(b.delay("c"), 0);
});
