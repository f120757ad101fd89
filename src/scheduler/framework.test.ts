import assert from "node:assert/strict";
import { test } from "node:test";
import { fitErrorMessage, histogramMessage } from "./diagnosis.ts";
import { defaultFramework } from "./plugins/index.ts";
import { testCache, testPodInfo } from "./testing.ts";
import { unresolvable, unschedulable } from "./types.ts";

test("the diagnosis counts reasons per node and sorts them like Kubernetes", () => {
  const msg = histogramMessage(5, [
    unschedulable("Insufficient cpu"),
    unschedulable("Insufficient cpu"),
    unschedulable("Insufficient cpu"),
    unresolvable("node(s) had untolerated taint {dedicated: gpu}"),
    unresolvable("node(s) had untolerated taint {dedicated: gpu}"),
  ]);
  assert.equal(
    msg,
    "0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.",
  );
  assert.equal(
    fitErrorMessage({ numNodes: 0, failures: new Map(), postFilterMessage: "preemption: x." }),
    "0/0 nodes are available. preemption: x.",
  );
});

test("a cycle picks a feasible node and reports every failed one", () => {
  const cache = testCache([
    { name: "small", cpu: "1" },
    { name: "tainted", taints: [{ key: "k", value: "v", effect: "NoSchedule" }] },
    { name: "big", cpu: "8" },
  ]);
  const fw = defaultFramework();
  const r = fw.schedule(testPodInfo({ name: "p", cpu: "2" }), cache);
  assert.equal(r.kind, "scheduled");
  if (r.kind === "scheduled") assert.equal(r.nodeName, "big");
  const none = fw.schedule(testPodInfo({ name: "q", cpu: "16" }), cache);
  assert.equal(none.kind, "unschedulable");
  if (none.kind === "unschedulable") {
    assert.equal(
      fitErrorMessage({ numNodes: 3, failures: none.failures }),
      "0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu.",
    );
  }
});

test("large clusters are sampled (percentageOfNodesToScore) but never below 100 nodes", () => {
  const fw = defaultFramework();
  assert.equal(fw.numFeasibleNodesToFind(50), 50);
  assert.equal(fw.numFeasibleNodesToFind(1000), 420);
  assert.equal(fw.numFeasibleNodesToFind(5000), 500);
  assert.equal(defaultFramework({ percentageOfNodesToScore: 100 }).numFeasibleNodesToFind(5000), 5000);
});

test("the nominated node is tried first", () => {
  const cache = testCache([{ name: "a" }, { name: "b" }, { name: "c" }]);
  const pod = testPodInfo({ name: "p" });
  Object.assign(pod.pod, { status: { nominatedNodeName: "c" } });
  const r = defaultFramework().schedule(pod, cache);
  assert.equal(r.kind === "scheduled" ? r.nodeName : "", "c");
});
