import assert from "node:assert/strict";
import { test } from "node:test";
import type { PodAffinityTerm } from "kubernetes-types/core/v1.js";
import { testCache, testPodInfo } from "../testing.ts";
import { CycleState } from "../types.ts";
import { interPodAffinity } from "./interpodaffinity.ts";

const zones = [
  { name: "a1", labels: { zone: "a" } },
  { name: "a2", labels: { zone: "a" } },
  { name: "b1", labels: { zone: "b" } },
];
const term = (app: string, topologyKey: string): PodAffinityTerm => ({
  labelSelector: { matchLabels: { app } },
  topologyKey,
});

function filterAll(
  pod: ReturnType<typeof testPodInfo>,
  cache: ReturnType<typeof testCache>,
): Record<string, string> {
  const state = new CycleState();
  const pre = interPodAffinity.preFilter(state, pod, cache);
  const out: Record<string, string> = {};
  for (const n of cache.nodes)
    out[n.name] = pre.code === "Skip" ? "Success" : interPodAffinity.filter(state, pod, n).code;
  return out;
}

test("required affinity: only domains holding a matching pod", () => {
  const cache = testCache(zones, [{ name: "db", labels: { app: "db" }, nodeName: "a1" }]);
  const pod = testPodInfo({
    name: "web",
    spec: {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("db", "zone")] } },
    },
  });
  assert.deepEqual(filterAll(pod, cache), {
    a1: "Success",
    a2: "Success",
    b1: "UnschedulableAndUnresolvable",
  });
});

test("required affinity matching only itself lets the first pod of a group anywhere", () => {
  const cache = testCache(zones);
  const pod = testPodInfo({
    name: "first",
    labels: { app: "db" },
    spec: {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("db", "zone")] } },
    },
  });
  assert.deepEqual(filterAll(pod, cache), { a1: "Success", a2: "Success", b1: "Success" });
});

test("required anti-affinity of the pod and of pods already placed (symmetry)", () => {
  const cache = testCache(zones, [{ name: "x", labels: { app: "web" }, nodeName: "a1" }]);
  const pod = testPodInfo({
    name: "web2",
    labels: { app: "web" },
    spec: {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [term("web", "kubernetes.io/hostname")],
        },
      },
    },
  });
  assert.deepEqual(filterAll(pod, cache), { a1: "Unschedulable", a2: "Success", b1: "Success" });
  // The placed pod forbids its zone to pods labelled app=lonely... from its own term.
  const guarded = testCache(zones, [
    {
      name: "guard",
      labels: { app: "guard" },
      nodeName: "b1",
      spec: {
        affinity: {
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("intruder", "zone")] },
        },
      },
    },
  ]);
  const intruder = testPodInfo({ name: "i", labels: { app: "intruder" } });
  assert.deepEqual(filterAll(intruder, guarded), { a1: "Success", a2: "Success", b1: "Unschedulable" });
});

test("terms only see their namespaces", () => {
  const cache = testCache(zones, [{ name: "db", namespace: "other", labels: { app: "db" }, nodeName: "a1" }]);
  const pod = testPodInfo({
    name: "web",
    spec: {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("db", "zone")] } },
    },
  });
  assert.equal(Object.values(filterAll(pod, cache)).filter((c) => c === "Success").length, 0);
  const anyNs = testPodInfo({
    name: "web",
    spec: {
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ ...term("db", "zone"), namespaceSelector: {} }],
        },
      },
    },
  });
  assert.equal(filterAll(anyNs, cache).a1, "Success");
});

test("preferred terms score domains with matching pods higher (and anti lower)", () => {
  const cache = testCache(zones, [{ name: "cache", labels: { app: "cache" }, nodeName: "b1" }]);
  const pod = testPodInfo({
    name: "p",
    spec: {
      affinity: {
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 50, podAffinityTerm: term("cache", "zone") },
          ],
        },
      },
    },
  });
  const state = new CycleState();
  assert.equal(interPodAffinity.preScore(state, pod, cache.nodes, cache).code, "Success");
  const scores = cache.nodes.map((n) => interPodAffinity.score(state, pod, n));
  interPodAffinity.normalize?.(state, pod, scores);
  assert.deepEqual(scores, [0, 0, 100]);
});
