import assert from "node:assert/strict";
import { it } from "node:test";
import { MinHeap } from "./heap.ts";

it("MinHeap pops in ascending order", () => {
  const h = new MinHeap<number>();
  const values = [5, 3, 9, 1, 7, 3, 8, 2, 6, 0, 4];
  for (const v of values) h.push(v, v);
  const out: number[] = [];
  for (let e = h.pop(); e; e = h.pop()) out.push(e.value);
  assert.deepEqual(
    out,
    [...values].sort((a, b) => a - b),
  );
  assert.equal(h.size, 0);
});
