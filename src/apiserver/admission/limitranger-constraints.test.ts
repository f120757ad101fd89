import assert from "node:assert/strict";
import { test } from "node:test";
import { Quantity } from "../../api/quantity.ts";
import { claimViolations, podAmounts, podViolations, ratioString } from "./limitranger-constraints.ts";

test("type Pod sums containers (and takes the larger init container) before min/max/ratio", () => {
  const spec = {
    initContainers: [{ name: "init", resources: { requests: { cpu: "900m" }, limits: { cpu: "1" } } }],
    containers: [
      {
        name: "a",
        resources: { requests: { cpu: "300m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
      },
      {
        name: "b",
        resources: { requests: { cpu: "300m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
      },
    ],
  };
  assert.equal(podAmounts(spec, "requests").get("cpu")?.toString(), "900m");
  assert.equal(podAmounts(spec, "limits").get("memory")?.toString(), "2Gi");
  assert.deepEqual(podViolations(spec, { type: "Pod", max: { memory: "1Gi", cpu: "2" } }), [
    "maximum memory usage per Pod is 1Gi, but limit is 2Gi",
  ]);
  assert.deepEqual(
    podViolations(spec, { type: "Pod", min: { cpu: "1" }, maxLimitRequestRatio: { cpu: "2" } }),
    [
      "minimum cpu usage per Pod is 1, but request is 900m",
      "cpu max limit to request ratio per Pod is 2, but provided ratio is 2.222222",
    ],
  );
  assert.deepEqual(podViolations(spec, { type: "PersistentVolumeClaim", max: { cpu: "1m" } }), []);
});

test("a sidecar init container adds to the containers' sum", () => {
  const spec = {
    initContainers: [{ name: "side", restartPolicy: "Always", resources: { requests: { cpu: "500m" } } }],
    containers: [{ name: "a", resources: { requests: { cpu: "500m" } } }],
  };
  assert.equal(podAmounts(spec, "requests").get("cpu")?.toString(), "1");
});

test("claims: min/max on requests only; unchanged requests are not checked again on update", () => {
  const item = { type: "PersistentVolumeClaim", min: { storage: "1Gi" }, max: { storage: "2Gi" } };
  assert.deepEqual(claimViolations({ storage: "5Gi" }, undefined, item), [
    "maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi",
  ]);
  assert.deepEqual(claimViolations({ storage: "500Mi" }, undefined, item), [
    "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi",
  ]);
  assert.deepEqual(claimViolations(undefined, undefined, item), [
    "minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified",
    "maximum storage usage per PersistentVolumeClaim is 2Gi.  No request is specified",
  ]);
  assert.deepEqual(claimViolations({ storage: "5Gi" }, { storage: "5Gi" }, item), []);
  assert.deepEqual(claimViolations({ storage: "1Gi" }, undefined, { ...item, type: "Container" }), []);
});

test("ratios print six decimals, rounded half to even", () => {
  assert.equal(ratioString(Quantity.parse("1"), Quantity.parse("3")), "0.333333");
  assert.equal(ratioString(Quantity.parse("2"), Quantity.parse("1")), "2.000000");
  assert.equal(ratioString(Quantity.parse("1"), Quantity.parse("16")), "0.062500");
});
