import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TestApi } from "../../../test/support/inprocess-api.ts";
import { setPodCondition } from "./binding.ts";
import { lifecycleApi, podBody } from "./testing.ts";

let api: TestApi;
before(async () => {
  api = await lifecycleApi();
});
after(async () => {
  await api.close();
});

const binding = (name: string, node: string, kind = "Node") => ({
  apiVersion: "v1",
  kind: "Binding",
  metadata: { name, annotations: { "scheduler/by": "test" } },
  target: { kind, name: node },
});

test("binding sets nodeName, PodScheduled and annotations once; then 409", async () => {
  await api.request("POST", "/api/v1/namespaces/default/pods", podBody("b1"));
  const path = "/api/v1/namespaces/default/pods/b1/binding";
  const res = await api.request("POST", path, binding("b1", "node1"));
  assert.equal(res.status, 201, res.body);
  assert.deepEqual(res.json, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    code: 201,
  });
  const pod = (await api.request("GET", "/api/v1/namespaces/default/pods/b1")).json;
  assert.equal(pod.spec.nodeName, "node1");
  assert.equal(pod.metadata.annotations["scheduler/by"], "test");
  assert.equal(pod.status.conditions.find((c: { type: string }) => c.type === "PodScheduled").status, "True");
  const again = await api.request("POST", path, binding("b1", "node2"));
  assert.equal(again.status, 409);
  assert.equal(
    again.json.message,
    'Operation cannot be fulfilled on pods/binding "b1": pod b1 is already assigned to node "node1"',
  );
});

test("binding validation: target kind and name, URL name, missing pod", async () => {
  await api.request("POST", "/api/v1/namespaces/default/pods", podBody("b2"));
  const path = "/api/v1/namespaces/default/pods/b2/binding";
  assert.equal(
    (await api.request("POST", path, binding("b2", "", "Node"))).json.message,
    "target.name: Required value",
  );
  assert.equal((await api.request("POST", path, binding("b2", "n", "Pod"))).status, 400);
  assert.equal(
    (await api.request("POST", path, binding("other", "n"))).json.message,
    "name in URL does not match name in Binding object",
  );
  assert.equal(
    (await api.request("POST", "/api/v1/namespaces/default/pods/none/binding", binding("none", "n"))).status,
    404,
  );
  assert.equal((await api.request("GET", path)).status, 405);
});

test("setPodCondition keeps the transition time while the status is unchanged", () => {
  const pod = {
    status: { conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "t0" }] },
  };
  setPodCondition(pod, { type: "PodScheduled", status: "True" }, new Date("2025-01-01T00:00:00Z"));
  assert.equal(pod.status.conditions[0]?.lastTransitionTime, "t0");
  setPodCondition(pod, { type: "PodScheduled", status: "False" }, new Date("2025-01-01T00:00:00Z"));
  assert.equal(pod.status.conditions[0]?.lastTransitionTime, "2025-01-01T00:00:00Z");
});
