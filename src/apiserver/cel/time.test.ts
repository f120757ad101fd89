import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CelEvalError } from "./errors.ts";
import { formatDuration, formatTimestamp, parseDuration, parseTimestamp, timestampField } from "./time.ts";

describe("CEL durations and timestamps", () => {
  it("parses Go durations and prints them in seconds", () => {
    assert.equal(formatDuration(parseDuration("1h2m3.5s")), "3723.5s");
    assert.equal(formatDuration(parseDuration("-1.5h")), "-5400s");
    assert.equal(formatDuration(parseDuration("300ms")), "0.3s");
    assert.equal(parseDuration("1us").nanos, 1000n);
    assert.equal(parseDuration("0").nanos, 0n);
    for (const bad of ["", "1", "1d", "h", "1h-2m"])
      assert.throws(() => parseDuration(bad), CelEvalError, bad);
    assert.throws(() => parseDuration("100000000h"), /duration out of range/);
  });

  it("parses RFC 3339 with offsets and fractions, including years below 100", () => {
    assert.equal(formatTimestamp(parseTimestamp("2024-05-01T12:00:00.250+02:00")), "2024-05-01T10:00:00.25Z");
    assert.equal(formatTimestamp(parseTimestamp("0001-01-01T00:00:00Z")), "0001-01-01T00:00:00Z");
    assert.throws(() => parseTimestamp("2024-05-01"), CelEvalError);
  });

  it("reads fields in UTC or a fixed offset", () => {
    const t = parseTimestamp("2024-12-31T23:30:00Z");
    assert.equal(timestampField(t, "getFullYear"), 2024n);
    assert.equal(timestampField(t, "getFullYear", "+01:00"), 2025n);
    assert.equal(timestampField(t, "getDayOfYear"), 365n);
    assert.equal(timestampField(t, "getDayOfWeek"), 2n);
    assert.throws(() => timestampField(t, "getHours", "Europe/Paris"), /unsupported time zone/);
  });
});
