import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { checkFieldLabels, parseFieldSelector } from "./field.ts";

test("field selectors support =, == and != with escapes", () => {
  const values: Record<string, string> = { "metadata.name": "a,b", "status.phase": "Running" };
  const lookup = (f: string) => values[f];
  assert.equal(parseFieldSelector("metadata.name=a\\,b").matches(lookup), true);
  assert.equal(parseFieldSelector("status.phase==Running").matches(lookup), true);
  assert.equal(parseFieldSelector("status.phase!=Running").matches(lookup), false);
  assert.equal(parseFieldSelector("status.phase!=Succeeded,status.phase!=Failed").matches(lookup), true);
  assert.equal(parseFieldSelector("spec.nodeName=").matches(lookup), true);
  assert.equal(parseFieldSelector("").empty, true);
});

test("malformed or unsupported field selectors are 400", () => {
  const is400 = (e: unknown) => e instanceof ApiError && e.code === 400;
  assert.throws(() => parseFieldSelector("justaname"), is400);
  assert.throws(() => parseFieldSelector("a=b=c"), is400);
  assert.throws(() => checkFieldLabels(parseFieldSelector("spec.foo=x"), new Set(["metadata.name"])), is400);
  checkFieldLabels(parseFieldSelector("metadata.name=x"), new Set(["metadata.name"]));
});
