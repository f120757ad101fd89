import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregatedRules } from "./aggregation.ts";

test("an aggregated role collects the rules of every role its selectors match, once", () => {
  const label = { "example.com/aggregate-to-monitoring": "true" };
  const agg = {
    metadata: { name: "monitoring" },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: label }] },
    rules: [],
  };
  const a = {
    metadata: { name: "b-pods", labels: label },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
  };
  const b = {
    metadata: { name: "a-svc", labels: label },
    rules: [
      { apiGroups: [""], resources: ["services"], verbs: ["get"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
    ],
  };
  const other = {
    metadata: { name: "c", labels: { x: "y" } },
    rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
  };
  assert.deepEqual(
    aggregatedRules(agg, [agg, a, b, other]).map((r) => r.resources?.[0]),
    ["services", "pods"],
  );
});
