import assert from "node:assert/strict";
import { test } from "node:test";
import { age, goDurationMs, humanDuration } from "./duration.ts";

test("humanDuration follows kubectl's AGE formatting", () => {
  const s = 1000;
  const cases: [number, string][] = [
    [43 * s, "43s"],
    [119 * s, "119s"],
    [(5 * 60 + 3) * s, "5m3s"],
    [12 * 60 * s, "12m"],
    [(3 * 3600 + 4 * 60) * s, "3h4m"],
    [10 * 3600 * s, "10h"],
    [(2 * 86400 + 5 * 3600) * s, "2d5h"],
    [45 * 86400 * s, "45d"],
    [(3 * 365 + 100) * 86400 * s, "3y100d"],
    [-5 * s, "<invalid>"],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test("age handles missing and bad timestamps", () => {
  const now = new Date("2026-01-01T00:01:00Z");
  assert.equal(age("2026-01-01T00:00:00Z", now), "60s");
  assert.equal(age(undefined, now), "<unknown>");
  assert.equal(age("nope", now), "<unknown>");
});

test("goDurationMs prints whole milliseconds as Go's time.Duration", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [0.4, "0s"],
    [56.7, "57ms"],
    [1000, "1s"],
    [1_005, "1.005s"],
    [60_500, "1m0.5s"],
    [62_050, "1m2.05s"],
    [3_600_000, "1h0m0s"],
  ];
  for (const [ms, s] of cases) assert.equal(goDurationMs(ms), s);
});
