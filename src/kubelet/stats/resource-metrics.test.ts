import assert from "node:assert/strict";
import { test } from "node:test";
import { formatResourceMetrics } from "./resource-metrics.ts";
import type { Summary } from "./summary.ts";

const time = "2026-01-02T03:04:05.678Z";
const ms = Date.parse(time);
const summary: Summary = {
  node: {
    nodeName: "n1",
    cpu: { time, usageCoreNanoSeconds: 12_500_000_000 },
    memory: { time, workingSetBytes: 1024 },
  },
  pods: [
    {
      podRef: { name: "web", namespace: "default", uid: "u1" },
      startTime: time,
      containers: [
        {
          name: 'a"b',
          startTime: "2026-01-02T03:00:00Z",
          cpu: { time, usageCoreNanoSeconds: 1_500_000_000 },
          memory: { time, workingSetBytes: 2048 },
        },
      ],
      cpu: { time, usageCoreNanoSeconds: 2_000_000_000 },
      memory: { time, workingSetBytes: 4096 },
    },
  ],
};

test("upstream names, labels and millisecond timestamps", () => {
  const text = formatResourceMetrics(summary);
  const lines = text.split("\n");
  for (const expected of [
    `node_cpu_usage_seconds_total 12.5 ${ms}`,
    `node_memory_working_set_bytes 1024 ${ms}`,
    `container_cpu_usage_seconds_total{container="a\\"b",namespace="default",pod="web"} 1.5 ${ms}`,
    `container_memory_working_set_bytes{container="a\\"b",namespace="default",pod="web"} 2048 ${ms}`,
    `container_start_time_seconds{container="a\\"b",namespace="default",pod="web"} ${Date.parse("2026-01-02T03:00:00Z") / 1000} ${ms}`,
    `pod_cpu_usage_seconds_total{namespace="default",pod="web"} 2 ${ms}`,
    `pod_memory_working_set_bytes{namespace="default",pod="web"} 4096 ${ms}`,
    "scrape_error 0",
    "resource_scrape_error 0",
    "# TYPE node_cpu_usage_seconds_total counter",
    "# TYPE pod_memory_working_set_bytes gauge",
  ]) {
    assert.ok(lines.includes(expected), `missing: ${expected}\n${text}`);
  }
  assert.ok(text.endsWith("\n"));
});

test("a failed collection still answers, with the error flag", () => {
  const text = formatResourceMetrics({ node: { nodeName: "" }, pods: [] }, { scrapeError: true });
  assert.match(text, /^scrape_error 1$/m);
  assert.doesNotMatch(text, /node_cpu/);
});

test("a batch labels every sample and leaves out HELP/TYPE", () => {
  const text = formatResourceMetrics(summary, { labels: { node: "n1" }, comments: false });
  assert.doesNotMatch(text, /^#/m);
  for (const line of text.trim().split("\n")) assert.match(line, /node="n1"/);
  assert.ok(text.includes(`node_cpu_usage_seconds_total{node="n1"} 12.5 ${ms}`));
});
