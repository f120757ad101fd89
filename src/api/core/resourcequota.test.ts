import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { resourceQuotas } from "./resourcequota.ts";

const now = new Date("2024-05-01T12:00:00Z");
const meta = { name: "lr", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" };
const fields = (errs: { type: string; field: string; detail?: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.field, e.detail]);

describe("resourcequotas", () => {
  it("validates names and quantities, prints used/hard", () => {
    const rq: KubeObject = {
      metadata: { ...meta, name: "q" },
      spec: { hard: { pods: "10", "limits.cpu": "4", "requests.memory": "1Gi" } },
    };
    resourceQuotas.strategy.prepareForCreate?.(rq);
    assert.deepEqual(rq.status, {});
    assert.deepEqual(resourceQuotas.strategy.validate?.(rq), []);
    rq.status = {
      hard: { pods: "10", "limits.cpu": "4", "requests.memory": "1Gi" },
      used: { pods: "2", "limits.cpu": "500m" },
    };
    assert.deepEqual(resourceQuotas.strategy.table?.cells(rq, now), [
      "q",
      "60m",
      "pods: 2/10, requests.memory: 0/1Gi",
      "limits.cpu: 500m/4",
    ]);
    const bad: KubeObject = {
      metadata: meta,
      spec: { hard: { widgets: "1", cpu: "-1" }, scopes: ["Sometimes"] },
    };
    assert.deepEqual(
      fields(resourceQuotas.strategy.validate?.(bad)).map((f) => f[0]),
      ["spec.hard[widgets]", "spec.hard[cpu]", "spec.scopes"],
    );
    const conflict: KubeObject = {
      metadata: meta,
      spec: { hard: { pods: "1" }, scopes: ["BestEffort", "NotBestEffort"] },
    };
    assert.deepEqual(fields(resourceQuotas.strategy.validate?.(conflict)), [
      ["spec.scopes", "conflicting scopes"],
    ]);
  });
});
