import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonEqual } from "./jsonequal.ts";
import { canonicalJson } from "./meta.ts";

const cases: [unknown, unknown][] = [
  [
    { a: 1, b: [1, { c: "x" }] },
    { b: [1, { c: "x" }], a: 1 },
  ],
  [{ a: 1 }, { a: 1, b: undefined }],
  [{ a: 1 }, { a: 2 }],
  [{ a: 1 }, { a: 1, b: null }],
  [{ a: {} }, { a: [] }],
  [[undefined], [null]],
  [
    [1, 2],
    [2, 1],
  ],
  [{ a: "1" }, { a: 1 }],
  [null, {}],
  [
    { m: { labels: { x: "y" } }, s: [true, false] },
    { s: [true, false], m: { labels: { x: "y" } } },
  ],
  [{ a: [] }, { a: [undefined] }],
  [1, 1],
  ["a", "b"],
];

test("jsonEqual agrees with comparing canonical JSON texts", () => {
  for (const [a, b] of cases) {
    assert.equal(jsonEqual(a, b), canonicalJson(a) === canonicalJson(b), JSON.stringify([a, b]));
    assert.equal(jsonEqual(b, a), canonicalJson(a) === canonicalJson(b));
  }
});
