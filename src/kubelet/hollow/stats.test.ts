import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { HollowStats } from "./stats.ts";

const pod: Pod = {
  metadata: {
    name: "web",
    namespace: "default",
    uid: "u1",
    annotations: { "skiff.dev/hollow-usage": "cpu=500m,memory=1Mi" },
  },
  spec: { containers: [{ name: "a" }, { name: "b" }] },
};

test("counters grow at the configured rate, so two scrapes give that rate back", () => {
  let now = 10_000;
  const stats = new HollowStats({
    now: () => now,
    nodeOverhead: { nanocores: 100_000_000, memoryBytes: 1024 },
  });
  const view = {
    pod,
    createdAt: 0,
    containers: [
      { id: "c1", name: "a", startedAt: 4_000 },
      { id: "c2", name: "b", startedAt: 10_000 },
    ],
  };
  const first = stats.summary("n1", [view]);
  // Container a "ran" 6 s at 0.5 core before the first look.
  assert.equal(first.pods[0]?.containers[0]?.cpu?.usageCoreNanoSeconds, 3_000_000_000);
  assert.equal(first.pods[0]?.containers[1]?.cpu?.usageCoreNanoSeconds, 0);
  now = 12_000;
  const second = stats.summary("n1", [view]);
  const a = second.pods[0]?.containers[0];
  assert.equal(a?.cpu?.usageCoreNanoSeconds, 4_000_000_000);
  assert.equal(a?.cpu?.usageNanoCores, 500_000_000);
  assert.equal(a?.memory?.workingSetBytes, 1024 * 1024);
  assert.equal(second.pods[0]?.cpu?.usageNanoCores, 1_000_000_000);
  assert.equal(second.pods[0]?.memory?.workingSetBytes, 2 * 1024 * 1024);
  assert.equal(second.node.cpu?.usageNanoCores, 1_100_000_000);
  const nodeDelta =
    (second.node.cpu?.usageCoreNanoSeconds ?? 0) - (first.node.cpu?.usageCoreNanoSeconds ?? 0);
  assert.equal(nodeDelta, 1.1e9 * 2);
  assert.equal(second.node.memory?.workingSetBytes, 2 * 1024 * 1024 + 1024);
  assert.deepEqual(second.pods[0]?.podRef, { name: "web", namespace: "default", uid: "u1" });
});

test("a lower rate never makes a counter go back", () => {
  let now = 0;
  const stats = new HollowStats({ now: () => now });
  const view = (p: Pod) => ({ pod: p, createdAt: 0, containers: [{ id: "c1", name: "a", startedAt: 0 }] });
  now = 1000;
  const before = stats.summary("n", [view(pod)]).pods[0]?.containers[0]?.cpu?.usageCoreNanoSeconds ?? 0;
  now = 2000;
  const slower: Pod = {
    ...pod,
    metadata: { ...pod.metadata, annotations: { "skiff.dev/hollow-usage": "cpu=1m" } },
  };
  const after = stats.summary("n", [view(slower)]).pods[0]?.containers[0]?.cpu?.usageCoreNanoSeconds ?? 0;
  assert.equal(after - before, 1_000_000);
});
