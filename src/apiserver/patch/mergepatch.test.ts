import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonValue } from "./json.ts";
import { applyMergePatch } from "./mergepatch.ts";

describe("applyMergePatch (RFC 7386)", () => {
  // The table of RFC 7386 Appendix A.
  const rfcCases: [JsonValue, JsonValue, JsonValue][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [original, patch, expected] of rfcCases) {
    it(`${JSON.stringify(original)} + ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(applyMergePatch(original, patch), expected);
    });
  }

  it("applies kubectl scale's body", () => {
    const scale = { kind: "Scale", spec: { replicas: 1 }, status: { replicas: 1 } };
    assert.deepEqual(applyMergePatch(scale, { spec: { replicas: 3 } }), {
      kind: "Scale",
      spec: { replicas: 3 },
      status: { replicas: 1 },
    });
  });

  it("never mutates its inputs and shares nothing with them", () => {
    const original = { a: { b: 1 }, keep: { deep: [1] } };
    const patch = { a: { c: { d: 2 } } };
    const snapshot = structuredClone({ original, patch });
    const result = applyMergePatch(original, patch) as { keep: { deep: number[] }; a: { c: object } };
    assert.deepEqual({ original, patch }, snapshot);
    result.keep.deep.push(2);
    assert.notEqual(result.a.c, patch.a.c);
    assert.deepEqual(original.keep.deep, [1]);
  });
});
