// Pure parts of the Job controller: completed-index intervals, backoff delays, podFailurePolicy
// matching and the Indexed creation plan.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { nextCreateAt } from "./backoff.ts";
import { matchPodFailurePolicy } from "./failure-policy.ts";
import { completionIndexAnnotation, formatIndexes, parseIndexes } from "./indexes.ts";
import { planIndexed } from "./plan.ts";

function finished(name: string, at: string, exitCode: number, conditions: string[] = []): Pod {
  return {
    metadata: { name, namespace: "ns" },
    status: {
      phase: exitCode === 0 ? "Succeeded" : "Failed",
      conditions: conditions.map((type) => ({ type, status: "True" })),
      containerStatuses: [
        {
          name: "main",
          image: "",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode, finishedAt: at } },
        },
      ],
    },
  };
}

describe("job plan helpers", () => {
  it("parses and formats completed index intervals", () => {
    assert.deepEqual([...parseIndexes("0,2-4,9", 5)].sort(), [0, 2, 3, 4]);
    assert.equal(formatIndexes([4, 0, 2, 3, 7]), "0,2-4,7");
    assert.equal(formatIndexes([]), "");
  });

  it("backs off 10 s, doubling per failure since the last success, capped", () => {
    const o = { baseMs: 10_000, maxMs: 360_000 };
    const t0 = Date.parse("2024-01-01T00:00:00Z");
    const f = (s: number, code: number) => ({
      pod: finished(`p${s}`, new Date(t0 + s * 1000).toISOString(), code),
      failed: code !== 0,
    });
    assert.equal(nextCreateAt([], o, t0), 0);
    assert.equal(nextCreateAt([f(0, 1)], o, t0), t0 + 10_000);
    assert.equal(nextCreateAt([f(0, 1), f(20, 1)], o, t0), t0 + 20_000 + 20_000);
    assert.equal(nextCreateAt([f(0, 1), f(20, 0)], o, t0), 0);
    const many = Array.from({ length: 10 }, (_, i) => f(i, 1));
    assert.equal(nextCreateAt(many, o, t0), t0 + 9_000 + 360_000);
  });

  it("matches podFailurePolicy rules by exit code and condition, first rule wins", () => {
    const policy = {
      rules: [
        { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
        { action: "FailJob", onExitCodes: { operator: "In", values: [42] } },
        { action: "Count", onExitCodes: { operator: "NotIn", values: [42] } },
      ],
    };
    const at = "2024-01-01T00:00:00Z";
    assert.equal(matchPodFailurePolicy(policy, finished("a", at, 42))?.action, "FailJob");
    assert.equal(
      matchPodFailurePolicy(policy, finished("b", at, 42, ["DisruptionTarget"]))?.action,
      "Ignore",
    );
    assert.equal(matchPodFailurePolicy(policy, finished("c", at, 3))?.action, "Count");
    assert.equal(matchPodFailurePolicy(undefined, finished("d", at, 3)), undefined);
    assert.match(
      matchPodFailurePolicy(policy, finished("a", at, 42))?.message ?? "",
      /^Container main for pod ns\/a failed with exit code 42 matching FailJob rule at index 1$/,
    );
  });

  it("plans Indexed pods: missing indexes up to parallelism, duplicates and completed removed", () => {
    const job: Job = { spec: { completions: 5, parallelism: 3, template: {} } };
    const withIndex = (name: string, ix: string): Pod => ({
      metadata: { name, annotations: { [completionIndexAnnotation]: ix } },
    });
    const active = [withIndex("a", "1"), withIndex("b", "1"), withIndex("c", "4"), withIndex("d", "x")];
    const plan = planIndexed(job, active, new Set([0, 4]), new Set());
    assert.deepEqual(
      plan.remove.map((p) => p.metadata?.name),
      ["b", "c", "d"],
    );
    assert.deepEqual(plan.create, [2, 3]);
  });
});
