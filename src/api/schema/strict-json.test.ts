import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JsonSyntaxError, parseJsonStrict } from "./strict-json.ts";

describe("parseJsonStrict", () => {
  it("returns what JSON.parse returns", () => {
    const samples = [
      '{"a":1,"b":[true,false,null,"x\\u00e9\\n"],"c":{"d":-1.5e3}}',
      "[]",
      " 42 ",
      '"s"',
      '{"__proto__":{"x":1}}',
    ];
    for (const s of samples) assert.deepEqual(parseJsonStrict(s).value, JSON.parse(s));
  });

  it("keeps every member in document order, duplicates included (last value wins)", () => {
    const { value, members } = parseJsonStrict('{"b":1,"a":{"x":1},"b":2}');
    assert.deepEqual(value, { b: 2, a: { x: 1 } });
    assert.ok(value && typeof value === "object" && !Array.isArray(value));
    assert.deepEqual(members.get(value), [
      ["b", 1],
      ["a", { x: 1 }],
      ["b", 2],
    ]);
  });

  it("rejects malformed JSON with an offset", () => {
    for (const bad of ['{"a":}', "[1,]", '{"a":1', "01", "1 2", '{"a" 1}', "tru", '"\\q"']) {
      assert.throws(() => parseJsonStrict(bad), JsonSyntaxError, bad);
    }
  });
});
