import assert from "node:assert/strict";
import { test } from "node:test";
import { testCache, testNode, testPod, testPodInfo } from "./testing.ts";

test("assumed pods count until the watch confirms them or the binding fails", () => {
  const cache = testCache([{ name: "n" }]);
  const info = testPodInfo({ name: "p", cpu: "1", labels: { app: "x" } });
  cache.assumePod(info, "n");
  assert.equal(cache.get("n")?.requested.milliCpu, 1000);
  assert.equal([...cache.podsWithLabel("app", "x")].length, 1);
  // The informer still shows the unbound pod: the assumption stays.
  cache.setPod(testPod({ name: "p", cpu: "1" }));
  assert.equal(cache.isAssumed("default/p"), true);
  // The watch confirms the binding.
  cache.setPod(testPod({ name: "p", cpu: "1", nodeName: "n", labels: { app: "x" } }));
  assert.equal(cache.isAssumed("default/p"), false);
  assert.equal(cache.get("n")?.requested.milliCpu, 1000);
  cache.forgetPod("default/p"); // no effect on a confirmed pod
  assert.equal(cache.get("n")?.pods.size, 1);
  cache.removePod(testPod({ name: "p", nodeName: "n" }));
  assert.equal(cache.get("n")?.requested.milliCpu, 0);
  assert.equal([...cache.podsWithLabel("app", "x")].length, 0);
});

test("terminal pods free their node; topology indexes follow node changes", () => {
  const cache = testCache([
    { name: "a", labels: { zone: "z1" } },
    { name: "b", labels: { zone: "z1" } },
  ]);
  const done = testPod({ name: "d", cpu: "1", nodeName: "a" });
  cache.setPod(done);
  assert.equal(cache.get("a")?.pods.size, 1);
  cache.setPod({ ...done, status: { phase: "Succeeded" } });
  assert.equal(cache.get("a")?.pods.size, 0);
  assert.equal(cache.nodesByTopology("zone").get("z1")?.length, 2);
  cache.setNode(testNode({ name: "b", labels: { zone: "z2" } }));
  assert.equal(cache.nodesByTopology("zone").get("z1")?.length, 1);
  cache.removeNode("a");
  assert.equal(cache.nodes.length, 1);
  assert.equal(cache.get("a"), undefined);
});

test("pods on a node not yet seen are kept and count once it appears", () => {
  const cache = testCache([]);
  cache.setPod(testPod({ name: "early", cpu: "500m", nodeName: "late" }));
  assert.equal(cache.nodes.length, 0);
  cache.setNode(testNode({ name: "late" }));
  assert.equal(cache.get("late")?.requested.milliCpu, 500);
});
