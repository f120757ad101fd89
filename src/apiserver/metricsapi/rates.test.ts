import assert from "node:assert/strict";
import { test } from "node:test";
import { parseResourceMetrics } from "./prometheus.ts";
import { nodeUsage, podUsages } from "./rates.ts";

const scrape = (t: number, nodeCpu: number, containers: [string, number, number, number?][]) =>
  parseResourceMetrics(
    [
      `node_cpu_usage_seconds_total ${nodeCpu} ${t}`,
      `node_memory_working_set_bytes 2048 ${t}`,
      ...containers.flatMap(([c, cpu, mem, start]) => {
        const [pod, name] = c.split(".");
        const l = `{container="${name}",namespace="ns",pod="${pod}"}`;
        return [
          `container_cpu_usage_seconds_total${l} ${cpu} ${t}`,
          `container_memory_working_set_bytes${l} ${mem} ${t}`,
          ...(start !== undefined ? [`container_start_time_seconds${l} ${start} ${t}`] : []),
        ];
      }),
    ].join("\n"),
    t,
  );

test("node CPU is the counter's rate between the two timestamps", () => {
  const u = nodeUsage(scrape(1000, 10, []), scrape(3000, 11, []));
  assert.equal(u?.nanocores, 0.5e9);
  assert.equal(u?.windowMs, 2000);
  assert.equal(u?.memoryBytes, 2048);
  assert.equal(u?.timestampMs, 3000);
  assert.equal(nodeUsage(scrape(1000, 10, []), scrape(1000, 10, [])), undefined);
});

test("pods get per-container rates; a pod missing a container's rate is left out", () => {
  const prev = scrape(0, 0, [
    ["a.c1", 1, 100],
    ["a.c2", 2, 100],
    ["b.c1", 5, 100],
  ]);
  const cur = scrape(1000, 0, [
    ["a.c1", 1.25, 300],
    ["a.c2", 2, 400],
    ["b.c1", 5.1, 100],
    ["b.c2", 1, 100],
  ]);
  const pods = podUsages(prev, cur);
  assert.equal(pods.length, 1);
  assert.deepEqual(pods[0], {
    namespace: "ns",
    name: "a",
    timestampMs: 1000,
    windowMs: 1000,
    containers: [
      { name: "c1", nanocores: 250_000_000, memoryBytes: 300 },
      { name: "c2", nanocores: 0, memoryBytes: 400 },
    ],
  });
});

test("a restarted container (new start time or counter reset) has no rate this round", () => {
  assert.equal(podUsages(scrape(0, 0, [["a.c", 5, 1, 10]]), scrape(1000, 0, [["a.c", 6, 1, 20]])).length, 0);
  assert.equal(podUsages(scrape(0, 0, [["a.c", 5, 1]]), scrape(1000, 0, [["a.c", 1, 1]])).length, 0);
});
