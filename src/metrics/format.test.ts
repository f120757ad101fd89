import assert from "node:assert/strict";
import { test } from "node:test";
import {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  labelPairs,
  validLabelName,
  validMetricName,
} from "./format.ts";

test("escaping and values follow the text format", () => {
  assert.equal(escapeHelp('a\\b\nc"d'), 'a\\\\b\\nc"d');
  assert.equal(escapeLabelValue('a\\b\nc"d'), 'a\\\\b\\nc\\"d');
  assert.equal(formatValue(Number.POSITIVE_INFINITY), "+Inf");
  assert.equal(formatValue(Number.NEGATIVE_INFINITY), "-Inf");
  assert.equal(formatValue(Number.NaN), "NaN");
  assert.equal(formatValue(0.25), "0.25");
  assert.equal(labelPairs(["a", "b"], ["1", '"']), 'a="1",b="\\""');
  assert.ok(validMetricName("apiserver:x_total") && !validMetricName("a-b"));
  assert.ok(validLabelName("verb") && !validLabelName("__name__") && !validLabelName("a:b"));
});
