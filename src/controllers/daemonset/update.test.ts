import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { planRollingUpdate, scaled } from "./update.ts";

const at = "2024-01-01T00:00:00Z";
function pod(name: string, hash: string, ready: boolean): Pod {
  return {
    metadata: { name, creationTimestamp: at, labels: { "controller-revision-hash": hash } },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: at }] },
  };
}
const ds = (ru: Record<string, number | string>): DaemonSet => ({
  spec: {
    selector: {},
    template: {},
    updateStrategy: { type: "RollingUpdate", rollingUpdate: ru },
  },
});
const now = new Date("2024-01-02T00:00:00Z");

describe("DaemonSet rolling update", () => {
  it("scales int-or-percent values up", () => {
    assert.equal(scaled("25%", 10, 1), 3);
    assert.equal(scaled(2, 10, 1), 2);
    assert.equal(scaled(undefined, 10, 1), 1);
  });

  it("replaces at most maxUnavailable available old pods at once", () => {
    const nodes = ["a", "b", "c"].map((n) => ({ node: n, pods: [pod(`${n}-old`, "v1", true)] }));
    const plan = planRollingUpdate(ds({ maxUnavailable: 1 }), "v2", nodes, 3, now);
    assert.deepEqual(
      plan.deletes.map((p) => p.metadata?.name),
      ["a-old"],
    );
    // One node already unavailable (new pod not ready): nothing more is deleted.
    const busy = [{ node: "a", pods: [pod("a-new", "v2", false)] }, ...nodes.slice(1)];
    assert.equal(planRollingUpdate(ds({ maxUnavailable: 1 }), "v2", busy, 3, now).deletes.length, 0);
  });

  it("with maxSurge starts new pods beside old ones and removes old ones once the new are available", () => {
    const nodes = [
      { node: "a", pods: [pod("a-old", "v1", true), pod("a-new", "v2", true)] },
      { node: "b", pods: [pod("b-old", "v1", true)] },
      { node: "c", pods: [pod("c-old", "v1", true)] },
    ];
    const plan = planRollingUpdate(ds({ maxSurge: 2, maxUnavailable: 0 }), "v2", nodes, 3, now);
    assert.deepEqual(
      plan.deletes.map((p) => p.metadata?.name),
      ["a-old"],
    );
    assert.deepEqual(plan.surgeNodes, ["b"]);
  });
});
