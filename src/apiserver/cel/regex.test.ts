import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CelEvalError } from "./errors.ts";
import { compileRegex, hasNestedUnboundedQuantifier } from "./regex.ts";

describe("RE2 patterns on RegExp", () => {
  it("translates inline flags, named groups and \\z", () => {
    assert.equal(compileRegex("(?i)^abc$").test("ABC"), true);
    assert.equal(compileRegex("(?P<word>a+)").exec("caab")?.groups?.word, "aa");
    assert.equal(compileRegex("a\\z").test("a\n"), false);
    assert.equal(compileRegex("a\\z").test("ba"), true);
  });

  it("refuses lookaround, backreferences and nested repetition", () => {
    for (const p of ["a(?=b)", "(?<!a)b", "(a)\\1", "(a+)+$", "(x*y)*", "(a{2,})*"])
      assert.throws(() => compileRegex(p), CelEvalError, p);
  });

  it("finds nested unbounded repetition only where it can backtrack catastrophically", () => {
    assert.equal(hasNestedUnboundedQuantifier("(ab)+"), false);
    assert.equal(hasNestedUnboundedQuantifier("(a+)?"), false);
    assert.equal(hasNestedUnboundedQuantifier("[(a+)]+"), false);
    assert.equal(hasNestedUnboundedQuantifier("((a)+b)*"), true);
  });
});
