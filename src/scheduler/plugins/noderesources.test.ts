import assert from "node:assert/strict";
import { test } from "node:test";
import { testCache, testPodInfo } from "../testing.ts";
import { CycleState } from "../types.ts";
import { balancedAllocation, leastAllocated, nodeResourcesFit } from "./noderesources.ts";

test("NodeResourcesFit counts bound and assumed pods against allocatable", () => {
  const cache = testCache(
    [{ name: "n", cpu: "1", memory: "1Gi", pods: "2" }],
    [{ name: "a", cpu: "600m", nodeName: "n" }],
  );
  const node = cache.get("n");
  assert.ok(node);
  const s = new CycleState();
  assert.equal(nodeResourcesFit.filter(s, testPodInfo({ name: "b", cpu: "400m" }), node).code, "Success");
  assert.deepEqual(
    nodeResourcesFit.filter(s, testPodInfo({ name: "b", cpu: "500m", memory: "2Gi" }), node).reasons,
    ["Insufficient cpu", "Insufficient memory"],
  );
  cache.assumePod(testPodInfo({ name: "c" }), "n");
  const r = nodeResourcesFit.filter(s, testPodInfo({ name: "d" }), node);
  assert.equal(r.code, "Unschedulable");
  assert.deepEqual(r.reasons, ["Too many pods"]);
  cache.forgetPod("default/c");
  assert.equal(nodeResourcesFit.filter(s, testPodInfo({ name: "d" }), node).code, "Success");
});

test("ephemeral-storage requests are checked", () => {
  const cache = testCache([{ name: "n" }]);
  const node = cache.get("n");
  assert.ok(node);
  const pod = testPodInfo({
    name: "p",
    spec: { containers: [{ name: "c", resources: { requests: { "ephemeral-storage": "20Gi" } } }] },
  });
  assert.deepEqual(nodeResourcesFit.filter(new CycleState(), pod, node).reasons, [
    "Insufficient ephemeral-storage",
  ]);
});

test("init containers count as their maximum, not their sum", () => {
  const cache = testCache([{ name: "n", cpu: "1" }]);
  const node = cache.get("n");
  assert.ok(node);
  const pod = testPodInfo({
    name: "p",
    spec: {
      initContainers: [
        { name: "i1", resources: { requests: { cpu: "800m" } } },
        { name: "i2", resources: { requests: { cpu: "800m" } } },
      ],
      containers: [{ name: "c", resources: { requests: { cpu: "100m" } } }],
    },
  });
  assert.equal(pod.requests.milliCpu, 800);
  assert.equal(nodeResourcesFit.filter(new CycleState(), pod, node).code, "Success");
});

test("LeastAllocated prefers the emptier node; BalancedAllocation the more even one", () => {
  const cache = testCache(
    [
      { name: "busy", cpu: "4", memory: "4Gi" },
      { name: "idle", cpu: "4", memory: "4Gi" },
    ],
    [{ name: "x", cpu: "3", memory: "1Gi", nodeName: "busy" }],
  );
  const busy = cache.get("busy");
  const idle = cache.get("idle");
  assert.ok(busy && idle);
  const pod = testPodInfo({ name: "p", cpu: "100m", memory: "100Mi" });
  const s = new CycleState();
  assert.ok(leastAllocated.score(s, pod, idle) > leastAllocated.score(s, pod, busy));
  assert.ok(balancedAllocation.score(s, pod, idle) > balancedAllocation.score(s, pod, busy));
});
