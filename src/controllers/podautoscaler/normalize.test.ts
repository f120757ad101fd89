import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2.js";
import { type NormalizeInput, ScaleHistory } from "./normalize.ts";

const t0 = 1_000_000;
const input = (o: Partial<NormalizeInput>): NormalizeInput => ({
  key: "default/web",
  currentReplicas: 1,
  desiredReplicas: 1,
  minReplicas: 1,
  maxReplicas: 10,
  behavior: undefined,
  now: t0,
  ...o,
});
const brief = (v: ReturnType<ScaleHistory["normalize"]>) => [
  v.replicas,
  v.able.reason,
  v.limited.limited,
  v.limited.reason,
];

describe("normalize without behavior", () => {
  it("holds a scale-down for the downscale stabilization window", () => {
    const h = new ScaleHistory(300_000);
    h.recordInitial("default/web", 5, t0);
    assert.deepEqual(brief(h.normalize(input({ currentReplicas: 5, desiredReplicas: 2, now: t0 + 1000 }))), [
      5,
      "ScaleDownStabilized",
      false,
      "DesiredWithinRange",
    ]);
    assert.deepEqual(
      brief(h.normalize(input({ currentReplicas: 5, desiredReplicas: 2, now: t0 + 301_000 }))),
      [2, "ReadyForNewScale", false, "DesiredWithinRange"],
    );
  });
  it("limits a scale-up to max(2 x current, 4), then to maxReplicas, and keeps minReplicas", () => {
    const h = new ScaleHistory(0);
    assert.deepEqual(brief(h.normalize(input({ desiredReplicas: 9 }))), [
      4,
      "ReadyForNewScale",
      true,
      "ScaleUpLimit",
    ]);
    assert.deepEqual(
      brief(h.normalize(input({ currentReplicas: 4, desiredReplicas: 12, now: t0 + 1000 }))).slice(0, 4),
      [8, "ReadyForNewScale", true, "ScaleUpLimit"],
    );
    assert.deepEqual(brief(h.normalize(input({ currentReplicas: 8, desiredReplicas: 30, now: t0 + 2000 }))), [
      10,
      "ReadyForNewScale",
      true,
      "TooManyReplicas",
    ]);
    assert.deepEqual(
      brief(h.normalize(input({ currentReplicas: 2, desiredReplicas: 0, minReplicas: 2, now: t0 + 3000 }))),
      [2, "ReadyForNewScale", true, "TooFewReplicas"],
    );
  });
});

const rules = (b: HorizontalPodAutoscalerBehavior): HorizontalPodAutoscalerBehavior => ({
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Pods", value: 4, periodSeconds: 15 },
      { type: "Percent", value: 100, periodSeconds: 15 },
    ],
    ...b.scaleUp,
  },
  scaleDown: {
    selectPolicy: "Max",
    policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
    ...b.scaleDown,
  },
});

describe("normalize with behavior", () => {
  it("applies a Pods policy per period, counting earlier scale events", () => {
    const h = new ScaleHistory(0);
    const behavior = rules({ scaleUp: { policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } });
    const first = h.normalize(input({ currentReplicas: 2, desiredReplicas: 6, behavior }));
    assert.deepEqual(brief(first), [3, "ReadyForNewScale", true, "ScaleUpLimit"]);
    h.storeScaleEvent("default/web", behavior, 2, 3, t0);
    assert.equal(
      h.normalize(input({ currentReplicas: 3, desiredReplicas: 6, behavior, now: t0 + 10_000 })).replicas,
      3,
    );
    assert.equal(
      h.normalize(input({ currentReplicas: 3, desiredReplicas: 6, behavior, now: t0 + 61_000 })).replicas,
      4,
    );
  });
  it("selects the smallest change with selectPolicy Min and none with Disabled", () => {
    const h = new ScaleHistory(0);
    const min = rules({ scaleUp: { selectPolicy: "Min" } });
    assert.equal(h.normalize(input({ currentReplicas: 2, desiredReplicas: 20, behavior: min })).replicas, 4);
    const disabled = rules({ scaleDown: { selectPolicy: "Disabled", stabilizationWindowSeconds: 0 } });
    assert.deepEqual(
      brief(h.normalize(input({ key: "x", currentReplicas: 5, desiredReplicas: 1, behavior: disabled }))),
      [5, "ReadyForNewScale", true, "ScaleDownLimit"],
    );
  });
  it("limits a scale-down by Percent and uses the flag's window when scaleDown has none", () => {
    const h = new ScaleHistory(60_000);
    const percent = rules({ scaleDown: { policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] } });
    h.recordInitial("default/web", 10, t0);
    // Within the 60 s flag window the earlier recommendation (10) holds.
    assert.deepEqual(
      brief(
        h.normalize(input({ currentReplicas: 10, desiredReplicas: 1, behavior: percent, now: t0 + 1000 })),
      ),
      [10, "ScaleDownStabilized", false, "DesiredWithinRange"],
    );
    assert.deepEqual(
      brief(
        h.normalize(input({ currentReplicas: 10, desiredReplicas: 1, behavior: percent, now: t0 + 62_000 })),
      ),
      [5, "ReadyForNewScale", true, "ScaleDownLimit"],
    );
  });
  it("stabilizes a scale-up over the scaleUp window", () => {
    const h = new ScaleHistory(0);
    const slow = rules({ scaleUp: { stabilizationWindowSeconds: 60 } });
    h.recordInitial("default/web", 3, t0);
    assert.deepEqual(
      brief(h.normalize(input({ currentReplicas: 3, desiredReplicas: 6, behavior: slow, now: t0 + 10_000 }))),
      [3, "ScaleUpStabilized", false, "DesiredWithinRange"],
    );
    assert.equal(
      h.normalize(input({ currentReplicas: 3, desiredReplicas: 6, behavior: slow, now: t0 + 80_000 }))
        .replicas,
      6,
    );
  });
});
