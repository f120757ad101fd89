import assert from "node:assert/strict";
import { test } from "node:test";
import type { TopologySpreadConstraint } from "kubernetes-types/core/v1.js";
import { testCache, testPodInfo } from "../testing.ts";
import { CycleState } from "../types.ts";
import { podTopologySpread } from "./podtopologyspread.ts";

const nodes = [
  { name: "a1", labels: { zone: "a" } },
  { name: "b1", labels: { zone: "b" } },
  { name: "c1", labels: { zone: "c" } },
  { name: "nolabel" },
];
const spread = (when: "DoNotSchedule" | "ScheduleAnyway", maxSkew = 1): TopologySpreadConstraint[] => [
  { maxSkew, topologyKey: "zone", whenUnsatisfiable: when, labelSelector: { matchLabels: { app: "w" } } },
];

test("DoNotSchedule: a domain may not exceed the emptiest by more than maxSkew", () => {
  const cache = testCache(nodes, [
    { name: "w1", labels: { app: "w" }, nodeName: "a1" },
    { name: "w2", labels: { app: "w" }, nodeName: "b1" },
    { name: "other", labels: { app: "other" }, nodeName: "c1" },
  ]);
  const pod = testPodInfo({
    name: "w3",
    labels: { app: "w" },
    spec: { topologySpreadConstraints: spread("DoNotSchedule") },
  });
  const state = new CycleState();
  assert.equal(podTopologySpread.preFilter(state, pod, cache).code, "Success");
  const codes = Object.fromEntries(cache.nodes.map((n) => [n.name, podTopologySpread.filter(state, pod, n)]));
  assert.equal(codes.a1?.code, "Unschedulable");
  assert.equal(codes.b1?.code, "Unschedulable");
  assert.equal(codes.c1?.code, "Success");
  assert.deepEqual(codes.nolabel?.reasons, [
    "node(s) didn't match pod topology spread constraints (missing required label)",
  ]);
  // maxSkew 2 allows a second pod in a zone.
  const loose = testPodInfo({
    name: "w4",
    labels: { app: "w" },
    spec: { topologySpreadConstraints: spread("DoNotSchedule", 2) },
  });
  const s2 = new CycleState();
  podTopologySpread.preFilter(s2, loose, cache);
  assert.equal(podTopologySpread.filter(s2, loose, cache.get("a1") ?? assert.fail()).code, "Success");
});

test("nodes excluded by the pod's node affinity do not form domains", () => {
  const cache = testCache(nodes, [{ name: "w1", labels: { app: "w" }, nodeName: "a1" }]);
  const pod = testPodInfo({
    name: "w2",
    labels: { app: "w" },
    spec: { nodeSelector: { zone: "a" }, topologySpreadConstraints: spread("DoNotSchedule") },
  });
  const state = new CycleState();
  podTopologySpread.preFilter(state, pod, cache);
  // Only zone a is eligible, so its min is its own count and the pod may join it.
  assert.equal(podTopologySpread.filter(state, pod, cache.get("a1") ?? assert.fail()).code, "Success");
});

test("ScheduleAnyway scores emptier domains higher", () => {
  const cache = testCache(nodes.slice(0, 2), [{ name: "w1", labels: { app: "w" }, nodeName: "a1" }]);
  const pod = testPodInfo({
    name: "w2",
    labels: { app: "w" },
    spec: { topologySpreadConstraints: spread("ScheduleAnyway") },
  });
  const state = new CycleState();
  assert.equal(podTopologySpread.preFilter(state, pod, cache).code, "Skip");
  assert.equal(podTopologySpread.preScore(state, pod, cache.nodes, cache).code, "Success");
  const scores = cache.nodes.map((n) => podTopologySpread.score(state, pod, n));
  podTopologySpread.normalize?.(state, pod, scores);
  assert.deepEqual(scores, [0, 100]);
});
