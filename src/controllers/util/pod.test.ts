import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { compareForDeletion, isPodActive, isPodAvailable, podsToDelete } from "./pod.ts";

function pod(
  name: string,
  o: { node?: string; phase?: string; ready?: string; created?: string; restarts?: number } = {},
): Pod {
  return {
    metadata: { name, creationTimestamp: o.created ?? "2024-01-01T00:00:00Z" },
    spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? "Running",
      ...(o.ready ? { conditions: [{ type: "Ready", status: "True", lastTransitionTime: o.ready }] } : {}),
      containerStatuses: [
        { name: "c", ready: !!o.ready, restartCount: o.restarts ?? 0, image: "", imageID: "" },
      ],
    },
  };
}

describe("pod helpers", () => {
  it("active excludes finished and deleting pods", () => {
    assert.equal(isPodActive(pod("a")), true);
    assert.equal(isPodActive(pod("b", { phase: "Succeeded" })), false);
    assert.equal(
      isPodActive({ ...pod("c"), metadata: { deletionTimestamp: "2024-01-01T00:00:00Z" } }),
      false,
    );
  });

  it("available needs minReadySeconds of readiness", () => {
    const p = pod("a", { ready: "2024-01-01T00:00:00Z" });
    assert.equal(isPodAvailable(p, 0, new Date("2024-01-01T00:00:00Z")), true);
    assert.equal(isPodAvailable(p, 10, new Date("2024-01-01T00:00:05Z")), false);
    assert.equal(isPodAvailable(p, 10, new Date("2024-01-01T00:00:10Z")), true);
    assert.equal(isPodAvailable(pod("b"), 0, new Date()), false);
  });

  it("ranks unscheduled, pending, not ready, recently ready, restarting and newer pods first", () => {
    const order = [
      pod("unscheduled", { phase: "Pending" }),
      pod("pending", { node: "n", phase: "Pending" }),
      pod("notready", { node: "n" }),
      pod("readyrecently", { node: "n", ready: "2024-01-02T00:00:00Z" }),
      pod("restarts", { node: "n", ready: "2024-01-01T00:00:00Z", restarts: 3 }),
      pod("newer", { node: "n", ready: "2024-01-01T00:00:00Z", created: "2024-01-01T00:00:05Z" }),
      pod("oldest", { node: "n", ready: "2024-01-01T00:00:00Z" }),
    ];
    const shuffled = [...order].reverse();
    assert.deepEqual(
      shuffled.sort((a, b) => compareForDeletion(a, b)).map((p) => p.metadata?.name),
      order.map((p) => p.metadata?.name),
    );
  });

  it("prefers pods on crowded nodes among equals", () => {
    const a = pod("a", { node: "busy", ready: "2024-01-01T00:00:00Z" });
    const b = pod("b", { node: "busy", ready: "2024-01-01T00:00:00Z" });
    const c = pod("c", { node: "quiet", ready: "2024-01-01T00:00:00Z" });
    const victims = podsToDelete([c, a, b], [a, b, c], 1).map((p) => p.metadata?.name);
    assert.ok(victims[0] === "a" || victims[0] === "b");
  });
});
