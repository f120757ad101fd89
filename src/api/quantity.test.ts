import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareQuantities, parseQuantityValue, Quantity, QuantityParseError } from "./quantity.ts";

describe("Quantity", () => {
  it("parses and formats canonically", () => {
    const cases: [string, string][] = [
      ["100m", "100m"],
      ["1Gi", "1Gi"],
      ["1e3", "1e3"],
      ["0.5", "500m"],
      ["1000", "1k"],
      ["1500m", "1500m"],
      ["2048Ki", "2Mi"],
      ["1536Mi", "1536Mi"],
      ["0.5Gi", "512Mi"],
      ["512", "512"],
      ["1.5Ki", "1536"],
      ["0", "0"],
      ["-2k", "-2k"],
      ["1E6", "1e6"],
      ["10e-3", "10e-3"],
      ["1M", "1M"],
      ["128974848", "128974848"],
      ["129e6", "129e6"],
      ["123Mi", "123Mi"],
      ["0.1n", "1n"],
      ["+5", "5"],
      [".5", "500m"],
    ];
    for (const [input, want] of cases) assert.equal(Quantity.parse(input).toString(), want, input);
  });

  it("keeps exact values", () => {
    assert.equal(Quantity.parse("100m").milliValue(), 100n);
    assert.equal(Quantity.parse("1Gi").value(), 1073741824n);
    assert.equal(Quantity.parse("1e3").value(), 1000n);
    assert.equal(Quantity.parse("0.5").value(), 1n, "Value rounds up");
    assert.equal(Quantity.parse("0.5").milliValue(), 500n);
    assert.equal(Quantity.parse("1.5").toNumber(), 1.5);
  });

  it("compares across formats", () => {
    assert.equal(compareQuantities("1", "1000m"), 0);
    assert.equal(compareQuantities("1k", "1e3"), 0);
    assert.equal(compareQuantities("1Ki", "1k"), 1);
    assert.equal(compareQuantities("100m", "0.5"), -1);
    assert.equal(compareQuantities("1Gi", "1G"), 1);
    assert.ok(Quantity.parse("2").add(Quantity.parse("500m")).cmp(Quantity.parse("2.5")) === 0);
    assert.equal(Quantity.parse("1").sub(Quantity.parse("2")).sign(), -1);
  });

  it("rejects malformed text", () => {
    for (const bad of ["", "abc", "1.2.3", "1 Gi", "Gi", "1gi", "1Kb", "--1", "1e"]) {
      assert.throws(() => Quantity.parse(bad), QuantityParseError, bad);
    }
    assert.equal(Quantity.tryParse("x"), undefined);
  });

  it("accepts JSON numbers", () => {
    assert.equal(parseQuantityValue(2).toString(), "2");
    assert.equal(parseQuantityValue(0.25).toString(), "250m");
    assert.throws(() => parseQuantityValue(true), QuantityParseError);
  });
});
