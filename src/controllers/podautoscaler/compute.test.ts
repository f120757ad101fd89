import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HorizontalPodAutoscaler, MetricSpec } from "kubernetes-types/autoscaling/v2.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { computeReplicasForMetrics } from "./compute.ts";
import type { PodMetricsInfo, ResourceMetricsQuery } from "./metrics.ts";
import { defaultCalculatorOptions } from "./replicas.ts";

const now = new Date("2024-01-01T01:00:00Z");
const at = "2024-01-01T00:00:00Z";
const pod = (name: string, requests: Record<string, string>): Pod => ({
  metadata: { name, namespace: "default", labels: { app: "web" } },
  spec: { containers: [{ name: "app", image: "x", resources: { requests } }] },
  status: {
    phase: "Running",
    startTime: at,
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: at }],
  },
});

/** Usage by resource then pod; a resource missing here fails like an empty metrics API. */
function deps(usage: Record<string, Record<string, number>>, pods: Pod[]) {
  const warnings: string[] = [];
  return {
    warnings,
    d: {
      metrics: {
        async getResourceMetric(q: ResourceMetricsQuery) {
          const figures = usage[q.resource];
          if (!figures) throw new Error("no metrics returned from resource metrics API");
          const metrics: PodMetricsInfo = new Map(
            Object.entries(figures).map(([k, v]) => [k, { value: v, timestamp: now, windowMs: 15_000 }]),
          );
          return { metrics, timestamp: now };
        },
      },
      pods: () => pods,
      calculator: { ...defaultCalculatorOptions, now },
      warn: (reason: string, message: string) => warnings.push(`${reason}: ${message}`),
    },
  };
}

const cpu50: MetricSpec = {
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
};
const memory: MetricSpec = {
  type: "Resource",
  resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } },
};
const hpa = (metrics: MetricSpec[]): HorizontalPodAutoscaler => ({
  metadata: { name: "web", namespace: "default" },
  spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 10, metrics },
});

describe("computeReplicasForMetrics", () => {
  // Raw values print as Kubernetes' DecimalSI milli-quantities do: 300Mi is "314572800".
  it("takes the largest proposal and reports each metric in its slot", async () => {
    const pods = [pod("a", { cpu: "1", memory: "1Gi" }), pod("b", { cpu: "1", memory: "1Gi" })];
    const mi = 1024 * 1024 * 1000;
    const { d } = deps({ cpu: { a: 600, b: 600 }, memory: { a: 300 * mi, b: 300 * mi } }, pods);
    const out = await computeReplicasForMetrics(d, hpa([cpu50, memory]), {
      specReplicas: 2,
      selector: "app=web",
    });
    assert.equal(out.replicas, 6);
    assert.equal(out.metricName, "memory resource");
    assert.deepEqual(out.statuses, [
      {
        type: "Resource",
        resource: { name: "cpu", current: { averageUtilization: 60, averageValue: "600m" } },
      },
      { type: "Resource", resource: { name: "memory", current: { averageValue: "314572800" } } },
    ]);
    assert.equal(
      out.condition?.message,
      "the HPA was able to successfully calculate a replica count from memory resource",
    );
  });
  it("scales up on the metrics it has, but never down with one missing", async () => {
    const pods = [pod("a", { cpu: "1", memory: "1Gi" }), pod("b", { cpu: "1", memory: "1Gi" })];
    const up = deps({ cpu: { a: 900, b: 900 } }, pods);
    const hot = await computeReplicasForMetrics(up.d, hpa([cpu50, memory]), {
      specReplicas: 2,
      selector: "app=web",
    });
    assert.equal(hot.replicas, 4);
    assert.deepEqual(hot.statuses[1], { type: "" });
    assert.match(
      hot.error?.message ?? "",
      /^invalid metrics \(1 invalid out of 2\), first error is: failed to get memory resource metric value: failed to get memory usage: unable to get metrics for resource memory: no metrics returned from resource metrics API$/,
    );
    const down = deps({ cpu: { a: 100, b: 100 } }, pods);
    const cold = await computeReplicasForMetrics(down.d, hpa([cpu50, memory]), {
      specReplicas: 2,
      selector: "app=web",
    });
    assert.equal(cold.replicas, -1);
    assert.deepEqual([cold.condition?.status, cold.condition?.reason], ["False", "FailedGetResourceMetric"]);
    assert.deepEqual(down.warnings, [
      "FailedGetResourceMetric: failed to get memory usage: unable to get metrics for resource memory: no metrics returned from resource metrics API",
    ]);
  });
  it("fails metric sources Skiff does not serve", async () => {
    const { d, warnings } = deps({}, [pod("a", { cpu: "1" })]);
    const pods: MetricSpec = {
      type: "Pods",
      pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "1" } },
    };
    const out = await computeReplicasForMetrics(d, hpa([pods]), { specReplicas: 1, selector: "app=web" });
    assert.equal(out.replicas, -1);
    assert.equal(out.condition?.reason, "FailedGetPodsMetric");
    assert.equal(warnings.length, 1);
  });
});
