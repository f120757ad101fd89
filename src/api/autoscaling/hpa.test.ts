import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FieldError } from "../field.ts";
import { type HorizontalPodAutoscaler, horizontalPodAutoscalersV2 } from "./hpa.ts";
import { horizontalPodAutoscalersV1, hpaV1ToV2, hpaV2ToV1 } from "./hpa-v1.ts";
import { autoscalingResources } from "./index.ts";

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const s = horizontalPodAutoscalersV2.strategy;
const hpa = (): HorizontalPodAutoscaler => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
  spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 10 },
});

describe("horizontalpodautoscalers v2", () => {
  it("defaults minReplicas and the CPU 80% metric", () => {
    const h = hpa();
    s.defaults?.(h);
    assert.equal(h.spec?.minReplicas, 1);
    assert.deepEqual(h.spec?.metrics, [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
      },
    ]);
    assert.equal(h.spec?.behavior, undefined);
    assert.deepEqual(s.validate?.(h), []);
  });
  it("fills behavior rules the user left out", () => {
    const h = hpa();
    if (h.spec)
      h.spec.behavior = {
        scaleDown: {
          stabilizationWindowSeconds: 60,
          policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
        },
      };
    s.defaults?.(h);
    assert.deepEqual(h.spec?.behavior?.scaleDown, {
      stabilizationWindowSeconds: 60,
      selectPolicy: "Max",
      policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
    });
    assert.deepEqual(h.spec?.behavior?.scaleUp?.policies?.length, 2);
    // Left unset, the scale-down window is the controller's flag (upstream leaves it nil).
    const bare = hpa();
    if (bare.spec) bare.spec.behavior = { scaleUp: { stabilizationWindowSeconds: 10 } };
    s.defaults?.(bare);
    assert.equal(bare.spec?.behavior?.scaleDown?.stabilizationWindowSeconds, undefined);
    assert.equal(bare.spec?.behavior?.scaleUp?.stabilizationWindowSeconds, 10);
  });
  it("rejects bad replica bounds, a missing target name and a bad metric", () => {
    const h = hpa();
    if (h.spec) {
      h.spec.minReplicas = 5;
      h.spec.maxReplicas = 2;
      h.spec.scaleTargetRef = { kind: "Deployment", name: "" };
      h.spec.metrics = [{ type: "Resource" }];
    }
    s.defaults?.(h);
    assert.deepEqual(brief(s.validate?.(h) ?? []), [
      "FieldValueRequired spec.scaleTargetRef.name",
      "FieldValueInvalid spec.maxReplicas",
      "FieldValueRequired spec.metrics[0].resource",
    ]);
  });
  it("prints reference, targets and replica counts", () => {
    const h = hpa();
    s.defaults?.(h);
    Object.assign(h, {
      status: {
        currentReplicas: 3,
        desiredReplicas: 3,
        currentMetrics: [
          { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 45 } } },
        ],
      },
    });
    assert.deepEqual(s.table?.cells(h, new Date("2024-01-01T00:00:10Z")), [
      "web",
      "Deployment/web",
      "cpu: 45%/80%",
      "1",
      10,
      3,
      "10s",
    ]);
  });
});

describe("horizontalpodautoscalers v1 conversion", () => {
  it("round-trips a v2 object with extra metrics, behavior and conditions through v1", () => {
    const h = hpa();
    if (h.spec) {
      h.spec.metrics = [
        {
          type: "Resource",
          resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } },
        },
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
      ];
      h.spec.behavior = { scaleDown: { stabilizationWindowSeconds: 30 } };
    }
    s.defaults?.(h);
    Object.assign(h, {
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        currentMetrics: [
          {
            type: "Resource",
            resource: { name: "cpu", current: { averageUtilization: 20, averageValue: "100m" } },
          },
        ],
        conditions: [{ type: "AbleToScale", status: "True" }],
      },
    });
    const v1 = hpaV2ToV1(h) as Record<string, unknown> & {
      spec: Record<string, unknown>;
      status: Record<string, unknown>;
    };
    assert.equal(v1.apiVersion, "autoscaling/v1");
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 50);
    assert.equal(v1.status.currentCPUUtilizationPercentage, 20);
    assert.equal(v1.spec.metrics, undefined);
    // Every current metric rides in the annotation, the CPU one too, so its raw value survives.
    const ann = (v1.metadata as { annotations: Record<string, string> }).annotations;
    assert.match(ann["autoscaling.alpha.kubernetes.io/current-metrics"] ?? "", /"averageValue":"100m"/);
    const back = hpaV1ToV2(v1);
    assert.deepEqual(back, { ...h, metadata: { ...h.metadata, annotations: undefined } });
  });
  it("converts a plain v1 object into a v2 CPU metric", () => {
    const v1 = {
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace: "default" },
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "web" },
        maxReplicas: 4,
        targetCPUUtilizationPercentage: 70,
      },
    };
    const v2 = hpaV1ToV2(v1) as HorizontalPodAutoscaler;
    assert.deepEqual(v2.spec?.metrics, [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
      },
    ]);
    assert.deepEqual(horizontalPodAutoscalersV1.strategy.validate?.(v1 as never), []);
  });
  it("serves v2 before v1 from one storage prefix", () => {
    const [v2, v1] = autoscalingResources();
    assert.deepEqual([v2?.version, v1?.version], ["v2", "v1"]);
    assert.equal(v1?.storagePrefix, v2?.storagePrefix);
    assert.ok(v1?.conversion && !v2?.conversion);
    assert.deepEqual(v1?.shortNames, ["hpa"]);
  });
});
