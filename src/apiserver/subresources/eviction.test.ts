import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TestApi } from "../../../test/support/inprocess-api.ts";
import { ApiError } from "../../api/errors.ts";
import { canIgnoreBudget, consumeDisruption, matchingBudgets } from "./eviction.ts";
import { lifecycleApi, podBody } from "./testing.ts";

let api: TestApi;
before(async () => {
  api = await lifecycleApi();
});
after(async () => {
  await api.close();
});

const now = new Date("2025-01-01T00:00:00Z");
const budget = (status: Record<string, unknown>) => ({
  metadata: { name: "web", generation: 1 },
  spec: { selector: { matchLabels: { app: "web" } } },
  status: {
    currentHealthy: 2,
    desiredHealthy: 1,
    expectedPods: 2,
    disruptionsAllowed: 1,
    observedGeneration: 1,
    ...status,
  },
});

function refusal(f: () => unknown): ApiError {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return err;
  }
  assert.fail("expected an ApiError");
}

test("consumeDisruption: decrements, records the pod, sets DisruptionAllowed=False at 0", () => {
  const next = consumeDisruption(budget({}), "p1", now);
  assert.equal(next.status?.disruptionsAllowed, 0);
  assert.deepEqual(next.status?.disruptedPods, { p1: "2025-01-01T00:00:00Z" });
  assert.equal(next.status?.conditions?.[0]?.reason, "InsufficientPods");
});

test("consumeDisruption: 429 when not computed yet or no room; 403 when negative", () => {
  const pending = refusal(() => consumeDisruption(budget({ observedGeneration: 0 }), "p", now));
  assert.equal(pending.code, 429);
  assert.equal(
    pending.details?.causes?.[0]?.message,
    "The disruption budget web is still being processed by the server.",
  );
  assert.equal(pending.details?.retryAfterSeconds, 10);
  const full = refusal(() => consumeDisruption(budget({ disruptionsAllowed: 0 }), "p", now));
  assert.equal(full.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(full.details?.causes, [
    {
      reason: "DisruptionBudget",
      message: "The disruption budget web needs 1 healthy pods and has 2 currently",
    },
  ]);
  assert.equal(refusal(() => consumeDisruption(budget({ disruptionsAllowed: -1 }), "p", now)).code, 403);
});

test("matching and skipping budgets", () => {
  const pod = { metadata: { labels: { app: "web" } } };
  assert.equal(
    matchingBudgets(pod, [budget({}), { metadata: { name: "all" }, spec: { selector: {} } }]).length,
    1,
  );
  assert.equal(canIgnoreBudget({ status: { phase: "Pending" } }), true);
  assert.equal(
    canIgnoreBudget({ status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } }),
    false,
  );
  assert.equal(canIgnoreBudget({ metadata: { deletionTimestamp: "x" }, status: { phase: "Running" } }), true);
});

test("eviction endpoint: v1 and v1beta1 bodies, 429 from a budget, 201 and graceful delete otherwise", async () => {
  const ns = "/api/v1/namespaces/default";
  await api.request("POST", `${ns}/pods`, podBody("e1", { nodeName: "n1", labels: { app: "web" } }));
  await api.request(
    "PATCH",
    `${ns}/pods/e1/status`,
    { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } },
    { "content-type": "application/merge-patch+json" },
  );
  await api.request("POST", "/apis/policy/v1/namespaces/default/poddisruptionbudgets", {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "web" },
    spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
  });
  const evict = (apiVersion: string) =>
    api.request("POST", `${ns}/pods/e1/eviction`, { apiVersion, kind: "Eviction", metadata: { name: "e1" } });
  const refused = await evict("policy/v1beta1");
  assert.equal(refused.status, 429, refused.body);
  assert.equal(refused.json.details.causes[0].reason, "DisruptionBudget");
  await api.request(
    "PATCH",
    "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web/status",
    { status: budget({}).status },
    { "content-type": "application/merge-patch+json" },
  );
  const accepted = await evict("policy/v1");
  assert.equal(accepted.status, 201, accepted.body);
  assert.deepEqual(accepted.json, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    code: 201,
  });
  const pod = (await api.request("GET", `${ns}/pods/e1`)).json;
  assert.equal(pod.metadata.deletionGracePeriodSeconds, 30);
  const pdb = (await api.request("GET", "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web")).json;
  assert.equal(pdb.status.disruptionsAllowed, 0);
  assert.ok(pdb.status.disruptedPods.e1);
  assert.equal(
    (await api.request("POST", `${ns}/pods/e1/eviction`, { apiVersion: "v1", kind: "Eviction" })).status,
    400,
  );
});
