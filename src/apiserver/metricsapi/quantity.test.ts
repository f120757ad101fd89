import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCpu, formatDuration, formatMemory, formatTime } from "./quantity.ts";

test("CPU nanocores use the canonical decimal suffix", () => {
  assert.equal(formatCpu(0), "0");
  assert.equal(formatCpu(123), "123n");
  assert.equal(formatCpu(5_000_000), "5m");
  assert.equal(formatCpu(2_000), "2u");
  assert.equal(formatCpu(2_000_000_000), "2");
  assert.equal(formatCpu(1_234_567.4), "1234567n");
  assert.equal(formatCpu(-5), "0");
});

test("memory bytes use the largest exact binary suffix", () => {
  assert.equal(formatMemory(0), "0");
  assert.equal(formatMemory(1000), "1000");
  assert.equal(formatMemory(1234 * 1024), "1234Ki");
  assert.equal(formatMemory(64 * 1024 * 1024), "64Mi");
  assert.equal(formatMemory(3 * 1024 ** 3), "3Gi");
});

test("windows print as Go durations", () => {
  assert.equal(formatDuration(15_000), "15s");
  assert.equal(formatDuration(1_005), "1.005s");
  assert.equal(formatDuration(1_500), "1.5s");
  assert.equal(formatDuration(60_500), "1m0.5s");
  assert.equal(formatDuration(250), "250ms");
  assert.equal(formatDuration(3_600_000), "1h0m0s");
});

test("timestamps have whole seconds", () => {
  assert.equal(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), "2026-01-02T03:04:05Z");
});
