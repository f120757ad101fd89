import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hpaControllerOptions, parseDurationFlag } from "./controller-manager.ts";
import { UsageError } from "./usage.ts";

describe("controller-manager autoscaler flags", () => {
  it("reads Go durations", () => {
    assert.deepEqual(
      ["15s", "5m0s", "1m30s", "500ms", "1h", "0", "2.5s"].map((t) => parseDurationFlag("x", t)),
      [15_000, 300_000, 90_000, 500, 3_600_000, 0, 2500],
    );
    assert.throws(() => parseDurationFlag("horizontal-pod-autoscaler-sync-period", "15"), UsageError);
    assert.throws(() => parseDurationFlag("x", "fast"), /invalid --x "fast": want a duration such as 15s/);
  });
  it("turns the flags into controller settings", () => {
    assert.deepEqual(
      hpaControllerOptions({
        horizontalPodAutoscalerSyncPeriod: "1s",
        horizontalPodAutoscalerDownscaleStabilization: "8s",
      }),
      { hpaSyncPeriodMs: 1000, hpaDownscaleStabilizationMs: 8000 },
    );
    assert.deepEqual(hpaControllerOptions({}), {});
    assert.throws(() => hpaControllerOptions({ horizontalPodAutoscalerSyncPeriod: "0s" }), UsageError);
  });
});
