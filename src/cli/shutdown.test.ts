import assert from "node:assert/strict";
import { test } from "node:test";
import { stopWithin } from "./shutdown.ts";

test("stopWithin waits for every component that stops in time", async () => {
  const stopped: string[] = [];
  const late: string[][] = [];
  await stopWithin({
    stops: {
      a: async () => {
        await new Promise((r) => setImmediate(r));
        stopped.push("a");
      },
      b: () => undefined,
      c: () => Promise.reject(new Error("failed to stop")),
    },
    timeoutMs: 60_000,
    onLate: (names) => late.push(names),
  });
  assert.deepEqual(stopped, ["a"]);
  assert.deepEqual(late, []);
});

test("stopWithin gives up at the deadline and names the components still stopping", async () => {
  const late: string[][] = [];
  let release: () => void = () => {};
  const never = new Promise<void>((r) => {
    release = r;
  });
  await stopWithin({
    stops: { quick: async () => {}, scheduler: () => never },
    timeoutMs: 10,
    onLate: (n) => late.push(n),
  });
  assert.deepEqual(late, [["scheduler"]]);
  release();
});
