import assert from "node:assert/strict";
import { test } from "node:test";
import type { Container } from "kubernetes-types/core/v1.js";
import { applyDefaults, violations } from "./limitranger.ts";

test("defaults fill only what is missing and say so", () => {
  const c: Container = { name: "app", resources: { limits: { cpu: "2" } } };
  const parts = applyDefaults(
    c,
    { type: "Container", default: { cpu: "1", memory: "1Gi" }, defaultRequest: { cpu: "100m" } },
    "container",
  );
  assert.deepEqual(c.resources, { requests: { cpu: "100m" }, limits: { cpu: "2", memory: "1Gi" } });
  assert.deepEqual(parts, ["cpu request for container app", "memory limit for container app"]);
});

test("min, max and ratio violations use Kubernetes' wording, one per constraint", () => {
  const item = {
    type: "Container",
    min: { memory: "64Mi" },
    max: { cpu: "1" },
    maxLimitRequestRatio: { cpu: "2" },
  };
  assert.deepEqual(
    violations(
      { name: "c", resources: { requests: { cpu: "2", memory: "64Mi" }, limits: { cpu: "2" } } },
      item,
    ),
    ["maximum cpu usage per Container is 1, but limit is 2"],
  );
  assert.deepEqual(
    violations({ name: "c", resources: { requests: { cpu: "100m" }, limits: { cpu: "1" } } }, item),
    [
      "minimum memory usage per Container is 64Mi.  No request is specified",
      "cpu max limit to request ratio per Container is 2, but provided ratio is 10.000000",
    ],
  );
});
