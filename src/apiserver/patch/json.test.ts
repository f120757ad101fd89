import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cloneJson, deepEqual } from "./json.ts";

describe("cloneJson", () => {
  it("copies nested objects and arrays without sharing them", () => {
    const original = { a: [1, { b: null, c: "x" }], d: { e: true, f: [] as unknown[] } };
    const copy = cloneJson(original);
    assert.deepEqual(copy, original);
    assert.notEqual(copy.a, original.a);
    assert.notEqual(copy.a[1], original.a[1]);
    assert.notEqual(copy.d.f, original.d.f);
    (copy.d as { e: boolean }).e = false;
    assert.equal(original.d.e, true);
  });

  it("keeps a __proto__ key as an own property", () => {
    const original = JSON.parse('{"__proto__":{"x":1},"y":2}') as Record<string, unknown>;
    const copy = cloneJson(original);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepEqual(Object.keys(copy), ["__proto__", "y"]);
    assert.ok(deepEqual(copy, original));
  });
});
