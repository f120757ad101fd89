import assert from "node:assert/strict";
import { test } from "node:test";
import { deepEqual } from "./equal.ts";

test("JSON values compare structurally, ignoring key order and undefined members", () => {
  assert.equal(deepEqual({ a: 1, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 1 }), true);
  assert.equal(deepEqual({ a: 1, u: undefined }, { a: 1 }), true);
  assert.equal(deepEqual({ a: [1, 2] }, { a: [2, 1] }), false);
  assert.equal(deepEqual({ a: {} }, { a: [] }), false);
  assert.equal(deepEqual(null, {}), false);
  assert.equal(deepEqual({ a: 1 }, { a: 1, b: 2 }), false);
});
