import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluateJsonPath, JsonPathError, parseJsonPath } from "./jsonpath.ts";

const obj = {
  metadata: { labels: { "app.kubernetes.io/name": "web" } },
  spec: { replicas: 3, ports: [{ port: 80 }, { port: 443 }] },
  status: {
    conditions: [
      { type: "Ready", status: "True" },
      { type: "Synced", status: "False" },
    ],
  },
};
const eval_ = (p: string) => evaluateJsonPath(parseJsonPath(p), obj);

test("fields, indexes, wildcards, filters and escaped dots", () => {
  assert.deepEqual(eval_(".spec.replicas"), [3]);
  assert.deepEqual(eval_(".spec.ports[1].port"), [443]);
  assert.deepEqual(eval_(".spec.ports[*].port"), [80, 443]);
  assert.deepEqual(eval_('.status.conditions[?(@.type=="Ready")].status'), ["True"]);
  assert.deepEqual(eval_(".metadata.labels.app\\.kubernetes\\.io/name"), ["web"]);
  assert.deepEqual(eval_("{.spec.missing}"), []);
});

test("unsupported syntax is an error", () => {
  assert.throws(() => parseJsonPath(".a[?(@.x > 1)]"), JsonPathError);
  assert.throws(() => parseJsonPath("spec"), JsonPathError);
});
