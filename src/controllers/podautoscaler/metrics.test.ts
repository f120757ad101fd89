import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseGoDuration, podMetricsInfo } from "./metrics.ts";

describe("pod metrics", () => {
  it("reads Go durations", () => {
    assert.deepEqual(
      ["15s", "1m0s", "10.5s", "250ms", "", "x"].map(parseGoDuration),
      [15_000, 60_000, 10_500, 250, 0, 0],
    );
  });
  it("sums container usage in milli-units and skips pods missing the resource", () => {
    const items = [
      {
        metadata: { name: "a" },
        timestamp: "2024-01-01T00:00:00Z",
        window: "15s",
        containers: [
          { name: "app", usage: { cpu: "250m", memory: "64Mi" } },
          { name: "side", usage: { cpu: "5m", memory: "1Mi" } },
        ],
      },
      {
        metadata: { name: "b" },
        timestamp: "2024-01-01T00:00:00Z",
        window: "15s",
        containers: [{ name: "app", usage: { memory: "1Mi" } }],
      },
    ];
    const cpu = podMetricsInfo(items, { resource: "cpu" });
    assert.deepEqual([...cpu.metrics.keys()], ["a"]);
    assert.deepEqual(cpu.metrics.get("a"), {
      value: 255,
      timestamp: new Date("2024-01-01T00:00:00Z"),
      windowMs: 15_000,
    });
    assert.equal(
      podMetricsInfo(items, { resource: "memory", container: "app" }).metrics.get("a")?.value,
      64 * 1024 * 1024 * 1000,
    );
    assert.throws(
      () => podMetricsInfo([], { resource: "cpu" }),
      /^Error: no metrics returned from resource metrics API$/,
    );
  });
});
