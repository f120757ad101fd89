import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { proportionalSizes } from "./scale.ts";
import { calculateStatus, rolloutStatus } from "./status.ts";
import { maxSurge, maxUnavailable, resolveFenceposts, setNewReplicaSetAnnotations } from "./util.ts";

function d(
  replicas: number,
  ru?: { maxSurge?: number | string; maxUnavailable?: number | string },
): Deployment {
  return {
    metadata: {
      name: "web",
      generation: 2,
      annotations: { "kubernetes.io/change-cause": "why", "deployment.kubernetes.io/revision": "9" },
    },
    spec: {
      replicas,
      selector: {},
      template: {},
      progressDeadlineSeconds: 600,
      ...(ru ? { strategy: { type: "RollingUpdate", rollingUpdate: ru } } : {}),
    },
    status: { replicas: 10 },
  };
}

function rs(
  name: string,
  replicas: number,
  created: string,
  available = replicas,
  maxReplicas?: number,
): ReplicaSet {
  return {
    metadata: {
      name,
      creationTimestamp: created,
      ...(maxReplicas !== undefined
        ? { annotations: { "deployment.kubernetes.io/max-replicas": String(maxReplicas) } }
        : {}),
    },
    spec: { replicas, selector: {} },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  };
}

describe("deployment arithmetic", () => {
  it("resolves surge up and unavailability down, never both zero", () => {
    assert.deepEqual(resolveFenceposts(d(10)), [3, 2]);
    assert.deepEqual(resolveFenceposts(d(1)), [1, 0]);
    assert.deepEqual(resolveFenceposts(d(4, { maxSurge: 0, maxUnavailable: "10%" })), [0, 1]);
    assert.equal(
      maxSurge({
        ...d(10),
        spec: { ...d(10).spec, selector: {}, template: {}, strategy: { type: "Recreate" } },
      }),
      0,
    );
    assert.equal(maxUnavailable(d(0)), 0);
  });

  it("scales proportionally during a rollout, leftovers to the largest ReplicaSet", () => {
    // 10 → 15 replicas while an old RS holds 8 and the new one 5 (max-replicas 13 = 10 + surge 3).
    const sizes = proportionalSizes(d(15), [
      rs("old", 8, "2024-01-01T00:00:00Z", 8, 13),
      rs("new", 5, "2024-01-02T00:00:00Z", 0, 13),
    ]);
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, 15 + 4, "new total is replicas + maxSurge (25% of 15 rounded up)");
    assert.ok((sizes.get("old") ?? 0) > 8 && (sizes.get("new") ?? 0) > 5);
  });

  it("copies annotations and moves a re-used ReplicaSet to the new revision", () => {
    const set = rs("old", 0, "2024-01-01T00:00:00Z");
    set.metadata = { ...set.metadata, annotations: { "deployment.kubernetes.io/revision": "1" } };
    assert.equal(setNewReplicaSetAnnotations(d(3), set, 4, true), true);
    assert.deepEqual(set.metadata?.annotations, {
      "deployment.kubernetes.io/revision": "4",
      "deployment.kubernetes.io/revision-history": "1",
      "kubernetes.io/change-cause": "why",
    });
  });

  it("reports Available and Progressing like Kubernetes", () => {
    const dep = d(3);
    const now = new Date("2024-01-01T00:00:00Z");
    const newRS = rs("web-abc", 3, "2024-01-01T00:00:00Z");
    const s = calculateStatus(dep, [newRS], newRS, now);
    assert.deepEqual(
      [s.replicas, s.updatedReplicas, s.availableReplicas, s.unavailableReplicas, s.observedGeneration],
      [3, 3, 3, 0, 2],
    );
    const done = rolloutStatus(dep, [newRS], newRS, now, {});
    const p = done.conditions?.find((c) => c.type === "Progressing");
    assert.deepEqual(
      [p?.status, p?.reason, p?.message],
      ["True", "NewReplicaSetAvailable", 'ReplicaSet "web-abc" has successfully progressed.'],
    );
    const stuck = rolloutStatus(
      {
        ...dep,
        status: {
          // Same counts as now: no progress since the last update an hour ago.
          replicas: 3,
          updatedReplicas: 3,
          conditions: [
            {
              type: "Progressing",
              status: "True",
              reason: "ReplicaSetUpdated",
              lastUpdateTime: "2023-12-31T23:00:00Z",
            },
          ],
        },
      },
      [rs("web-abc", 3, "2024-01-01T00:00:00Z", 0)],
      rs("web-abc", 3, "2024-01-01T00:00:00Z", 0),
      now,
      {
        conditions: [
          {
            type: "Progressing",
            status: "True",
            reason: "ReplicaSetUpdated",
            lastUpdateTime: "2023-12-31T23:00:00Z",
          },
        ],
      },
    );
    const timedOut = stuck.conditions?.find((c) => c.type === "Progressing");
    assert.deepEqual([timedOut?.status, timedOut?.reason], ["False", "ProgressDeadlineExceeded"]);
    assert.equal(stuck.conditions?.find((c) => c.type === "Available")?.reason, "MinimumReplicasUnavailable");
  });
});
