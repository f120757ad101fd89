import assert from "node:assert/strict";
import { test } from "node:test";
import { firstAfter, ListSnapshots } from "./snapshots.ts";

test("snapshots are found by prefix and revision, and go after their time or beyond the count", () => {
  let now = 0;
  const s = new ListSnapshots<number>({ ttlMs: 100, max: 2, now: () => now });
  s.keep("a/", 1, [1]);
  s.keep("a/", 2, [2]);
  assert.deepEqual(s.lookup("a/", 1), [1]);
  s.keep("b/", 3, [3]); // a/@2 is the least recently used
  assert.equal(s.lookup("a/", 2), undefined);
  assert.deepEqual(s.lookup("b/", 3), [3]);
  now = 150;
  assert.equal(s.lookup("a/", 1), undefined);
});

test("firstAfter finds where the next page starts", () => {
  const entries = ["a", "b", "d"].map((key) => ({ kv: { key } }));
  assert.equal(firstAfter(entries, "a"), 1);
  assert.equal(firstAfter(entries, "c"), 2);
  assert.equal(firstAfter(entries, "d"), 3);
  assert.equal(firstAfter(entries, ""), 0);
});
