import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BadRequestError } from "../../api/errors.ts";
import { type DecodeBodyOptions, decodeBody } from "../../api/schema/field-validation.ts";
import { decodeJsonFast, parseWithoutDuplicates } from "./fastdecode.ts";

const options = (body: string, fieldValidation: DecodeBodyOptions["fieldValidation"]): DecodeBodyOptions => ({
  body,
  format: "json",
  group: "",
  version: "v1",
  kind: "Pod",
  fieldValidation,
});

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (err) {
    assert.ok(err instanceof BadRequestError);
    return { error: err.message };
  }
}

describe("parseWithoutDuplicates", () => {
  it("parses bodies without duplicate members, colons and quotes inside strings included", () => {
    const text = '{"a": "x:y", "b": {"c": "q\\":\\\\", "d": [1, {"e": ":"}]}, "f": []}';
    assert.deepEqual(parseWithoutDuplicates(text), JSON.parse(text));
  });
  it("leaves duplicates, integer-like keys and syntax errors to the strict parser", () => {
    assert.equal(parseWithoutDuplicates('{"a": 1, "a": 2}'), undefined);
    assert.equal(parseWithoutDuplicates('{"a": {"b": 1, "b": 1}}'), undefined);
    assert.equal(parseWithoutDuplicates('{"a": {"10": 1}}'), undefined);
    assert.equal(parseWithoutDuplicates('{"a": '), undefined);
  });
});

describe("decodeJsonFast", () => {
  const bodies = [
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x"}]}}',
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","bogus":1},"spec":{"zz":1,"containers":[{"name":"c","image":"x","what":"a:b"}]}}',
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"}},"spec":{"containers":[]},"extra":{"x":1}}',
  ];
  for (const mode of ["Strict", "Warn", "Ignore"] as const) {
    it(`decides as decodeBody does (${mode})`, () => {
      for (const body of bodies) {
        assert.deepEqual(
          outcome(() => {
            const fast = decodeJsonFast(options(body, mode));
            if (!fast) return fast;
            const { wellFormed: _, ...decoded } = fast;
            return decoded;
          }),
          outcome(() => decodeBody(options(body, mode))),
        );
      }
    });
  }
  it("says wellFormed only for a body with nothing to report", () => {
    assert.equal(decodeJsonFast(options(bodies[0] ?? "", "Strict"))?.wellFormed, true);
    assert.equal(decodeJsonFast(options(bodies[1] ?? "", "Ignore"))?.wellFormed, false);
    assert.equal(decodeJsonFast(options(bodies[2] ?? "", "Warn"))?.wellFormed, false);
  });
  it("is not used for YAML or for bodies with duplicate fields", () => {
    assert.equal(decodeJsonFast({ ...options("a: 1", "Strict"), format: "yaml" }), undefined);
    assert.equal(decodeJsonFast(options('{"kind":"Pod","kind":"Pod"}', "Strict")), undefined);
  });
});
