import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PodStatus } from "kubernetes-types/core/v1.js";
import { podStatusPatch } from "./status-patch.ts";

const at = "2026-11-28T01:00:00Z";
const scheduled = { type: "PodScheduled", status: "True", lastTransitionTime: at };
// What the API holds once the scheduler has bound the pod.
const bound: PodStatus = { phase: "Pending", conditions: [scheduled], qosClass: "BestEffort" };
const running: PodStatus = {
  phase: "Running",
  conditions: [
    { type: "Initialized", status: "True", lastTransitionTime: at },
    { type: "Ready", status: "True", lastTransitionTime: at },
    scheduled,
  ],
  hostIP: "10.192.0.1",
  hostIPs: [{ ip: "10.192.0.1" }],
  podIP: "10.64.0.2",
  podIPs: [{ ip: "10.64.0.2" }],
  startTime: at,
  containerStatuses: [
    {
      name: "c",
      image: "img:1",
      imageID: "",
      ready: true,
      restartCount: 0,
      state: { running: { startedAt: at } },
    },
  ],
  qosClass: "BestEffort",
};

describe("podStatusPatch", () => {
  it("sends the changed fields and only the changed conditions, with their order", () => {
    const patch = podStatusPatch(running, [bound, undefined]) as Record<string, unknown>;
    assert.deepEqual(Object.keys(patch).sort(), [
      "$setElementOrder/conditions",
      "$setElementOrder/hostIPs",
      "$setElementOrder/podIPs",
      "conditions",
      "containerStatuses",
      "hostIP",
      "hostIPs",
      "phase",
      "podIP",
      "podIPs",
      "startTime",
    ]);
    assert.deepEqual(
      patch.conditions,
      running.conditions?.filter((c) => c.type !== "PodScheduled"),
    );
    assert.deepEqual(patch["$setElementOrder/conditions"], [
      { type: "Initialized" },
      { type: "Ready" },
      { type: "PodScheduled" },
    ]);
  });

  it("is undefined when every base already holds the status", () => {
    assert.equal(podStatusPatch(running, [running, running]), undefined);
    assert.equal(podStatusPatch(running, [structuredClone(running)]), undefined);
  });

  it("sends a field the informer's copy already shows when the last write differs (a lagging cache)", () => {
    // The cache still shows `bound`; the server holds the Running status written since. Going
    // back to Pending must be sent even though the cache says Pending.
    const pending: PodStatus = { ...running, phase: "Pending" };
    const patch = podStatusPatch(pending, [bound, running]);
    assert.equal(patch?.phase, "Pending");
    // And a field both hold is still left out.
    assert.equal(patch?.qosClass, undefined);
  });

  it("sends a single changed condition of a keyed list", () => {
    const notReady: PodStatus = {
      ...running,
      conditions: running.conditions?.map((c) =>
        c.type === "Ready" ? { ...c, status: "False", reason: "ContainersNotReady" } : c,
      ),
    };
    const patch = podStatusPatch(notReady, [running]);
    assert.deepEqual(patch?.conditions, [
      { type: "Ready", status: "False", reason: "ContainersNotReady", lastTransitionTime: at },
    ]);
    assert.equal(patch?.podIPs, undefined);
  });
});
