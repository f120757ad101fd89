import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, samplesOf, sumOf } from "../../../test/metrics-prom/expfmt.ts";
import type { Summary } from "../stats/summary.ts";
import { HollowKubeletMetrics } from "./prometheus.ts";

const at = (ms: number) => new Date(ms).toISOString();

function summary(node: string, pods: { uid: string; created: number; started: number[] }[]): Summary {
  return {
    node: { nodeName: node },
    pods: pods.map((p) => ({
      podRef: { name: p.uid, namespace: "default", uid: p.uid },
      startTime: at(p.created),
      containers: p.started.map((s, i) => ({ name: `c${i}`, startTime: at(s) })),
    })),
  };
}

test("per node: running pods and containers, node name, and each pod's start once", async () => {
  const nodes = new Map<string, Summary>([
    ["n0", summary("n0", [{ uid: "a", created: 0, started: [1000, 2500] }])],
    ["n1", summary("n1", [])],
  ]);
  const metrics = new HollowKubeletMetrics({
    providerFor: (name) => {
      const s = nodes.get(name);
      return s ? { summary: async () => s } : undefined;
    },
    nodeNames: () => [...nodes.keys()],
  });
  const one = parseExposition(await metrics.expose(["n0"], false));
  assert.deepEqual(samplesOf(one, "kubelet_node_name")[0]?.labels, { node: "n0" });
  assert.equal(sumOf(one, "kubelet_running_pods"), 1);
  assert.equal(sumOf(one, "kubelet_running_containers", { container_state: "running" }), 2);
  const count = "kubelet_pod_start_duration_seconds_count";
  const sum = "kubelet_pod_start_duration_seconds_sum";
  assert.equal(sumOf(one, "kubelet_pod_start_duration_seconds", {}, count), 1);
  assert.equal(sumOf(one, "kubelet_pod_start_duration_seconds", {}, sum), 2.5);
  // A second scrape does not count the same pod again; a new pod is counted.
  nodes.set(
    "n0",
    summary("n0", [
      { uid: "a", created: 0, started: [1000, 2500] },
      { uid: "b", created: 0, started: [500] },
    ]),
  );
  const all = parseExposition(await metrics.expose(["n0", "n1", "gone"], true));
  assert.equal(sumOf(all, "kubelet_pod_start_duration_seconds", { node: "n0" }, count), 2);
  assert.equal(sumOf(all, "kubelet_pod_start_duration_seconds", { node: "n0" }, sum), 3);
  assert.equal(sumOf(all, "kubelet_running_pods", { node: "n0" }), 2);
  assert.equal(sumOf(all, "kubelet_running_pods", { node: "n1" }), 0);
  assert.deepEqual(
    samplesOf(all, "kubelet_node_name").map((s) => s.labels.node),
    ["n0", "n1"],
  );
});
