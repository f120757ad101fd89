import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PodMetricsInfo } from "./metrics.ts";
import { type CalculatorOptions, podRequests, rawResourceReplicas, resourceReplicas } from "./replicas.ts";

const now = new Date("2024-01-01T01:00:00Z");
const opts: CalculatorOptions = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
  now,
};
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();

function pod(
  name: string,
  o: {
    cpu?: string;
    memory?: string;
    phase?: string;
    ready?: boolean;
    started?: number;
    readySince?: number;
  } = {},
): Pod {
  return {
    metadata: { name, namespace: "default", labels: { app: "web" } },
    spec: {
      containers: [
        {
          name: "c",
          resources: {
            requests: { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}) },
          },
        },
      ],
    },
    status: {
      phase: o.phase ?? "Running",
      startTime: ago(o.started ?? 3600),
      conditions: [
        {
          type: "Ready",
          status: o.ready === false ? "False" : "True",
          lastTransitionTime: ago(o.readySince ?? 3500),
        },
      ],
    },
  };
}

function usage(values: Record<string, number>, at = now, windowMs = 30_000): PodMetricsInfo {
  return new Map(Object.entries(values).map(([k, v]) => [k, { value: v, timestamp: at, windowMs }]));
}

const cpu = (currentReplicas: number, pods: Pod[], metrics: PodMetricsInfo, targetUtilization: number) =>
  resourceReplicas({ currentReplicas, pods, metrics, resource: "cpu", targetUtilization }, opts);

describe("resource utilization replicas", () => {
  it("scales up in proportion to utilization over target", () => {
    const pods = ["a", "b", "c"].map((n) => pod(n, { cpu: "1" }));
    assert.deepEqual(cpu(3, pods, usage({ a: 300, b: 500, c: 700 }), 30), {
      replicas: 5,
      utilization: 50,
      rawAverage: 500,
    });
  });
  it("scales down, rounding up", () => {
    const pods = ["a", "b", "c", "d", "e"].map((n) => pod(n, { cpu: "1" }));
    const r = cpu(5, pods, usage({ a: 100, b: 300, c: 500, d: 250, e: 250 }), 50);
    assert.deepEqual([r.replicas, r.utilization], [3, 28]);
  });
  it("keeps the count within the 10% tolerance", () => {
    const pods = [pod("a", { cpu: "900m" }), pod("b", { cpu: "1" }), pod("c", { cpu: "1100m" })];
    const r = cpu(3, pods, usage({ a: 1010, b: 1030, c: 1020 }), 100);
    assert.deepEqual([r.replicas, r.utilization], [3, 102]);
  });
  it("counts a pod without metrics as using its request on a scale-down", () => {
    const pods = ["a", "b", "c", "d"].map((n) => pod(n, { cpu: "1" }));
    const r = cpu(4, pods, usage({ a: 100, b: 100, c: 100 }), 50);
    assert.deepEqual([r.replicas, r.utilization], [3, 10]);
  });
  it("counts a pod without metrics as idle on a scale-up", () => {
    const pods = ["a", "b", "c"].map((n) => pod(n, { cpu: "1" }));
    // 90% on two pods against 50%: with the third at 0 it is 60%, still up: ceil(1.2 * 3) = 4.
    assert.equal(cpu(3, pods, usage({ a: 900, b: 900 }), 50).replicas, 4);
  });
  it("does not scale up when unready pods counted idle flip the direction", () => {
    const pods = [pod("a", { cpu: "1" }), pod("b", { cpu: "1" }), pod("c", { cpu: "1", phase: "Pending" })];
    assert.equal(cpu(3, pods, usage({ a: 900, b: 900, c: 900 }), 80).replicas, 3);
  });
  it("sets aside a CPU sample taken before a full window since the pod became ready", () => {
    const pods = [pod("a", { cpu: "1" }), pod("b", { cpu: "1", started: 60, readySince: 10 })];
    // b's 1000m is ignored: a alone is 50%, within tolerance of 50% (b, unready, is only used for scale-ups).
    const r = cpu(2, pods, usage({ a: 500, b: 1000 }), 50);
    assert.deepEqual([r.replicas, r.utilization], [2, 50]);
  });
  it("ignores deleted and failed pods", () => {
    const failed = pod("f", { cpu: "1", phase: "Failed" });
    const deleted = { ...pod("d", { cpu: "1" }), metadata: { name: "d", deletionTimestamp: ago(1) } };
    const r = cpu(2, [pod("a", { cpu: "1" }), failed, deleted], usage({ a: 1000, f: 1000, d: 1000 }), 50);
    assert.deepEqual([r.replicas, r.utilization], [2, 100]);
  });
  it("fails with upstream's messages", () => {
    assert.throws(
      () => cpu(1, [], usage({}), 50),
      /no pods returned by selector while calculating replica count/,
    );
    assert.throws(
      () => cpu(1, [pod("a", { cpu: "1", phase: "Pending" })], usage({ a: 1 }), 50),
      /did not receive metrics for targeted pods \(pods might be unready\)/,
    );
    assert.throws(() => podRequests([pod("a")], "cpu"), /missing request for cpu in container c of Pod a/);
  });
});

describe("average value replicas", () => {
  it("scales memory on an average value target", () => {
    const mi = 1024 * 1024 * 1000;
    const pods = [pod("a", { memory: "64Mi" }), pod("b", { memory: "64Mi" })];
    const r = rawResourceReplicas(
      {
        currentReplicas: 2,
        pods,
        metrics: usage({ a: 200 * mi, b: 200 * mi }),
        resource: "memory",
        targetAverageValue: 100 * mi,
      },
      opts,
    );
    assert.deepEqual(r, { replicas: 4, average: 200 * mi });
  });
});
