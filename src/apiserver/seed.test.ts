import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../test/support/inprocess-api.ts";
import { coreV1Resources } from "../api/core/index.ts";
import { groupResources } from "../api/groups.ts";
import { Registry } from "../api/registry.ts";
import { apiServiceSeed, seed } from "./seed.ts";

const resources = [...coreV1Resources, ...groupResources()];
const api = new TestApi({ resources });
before(() => api.seed());
after(() => api.close());

test("every served group version gets a Local, Available APIService", async () => {
  const registry = new Registry().add(...resources);
  const objects = apiServiceSeed(registry, new Date("2026-01-01T00:00:00.123Z"));
  assert.deepEqual(await seed(api.handler, objects), []);
  const list = await api.request("GET", "/apis/apiregistration.k8s.io/v1/apiservices");
  assert.equal(list.status, 200);
  const names = (list.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
  assert.ok(names.includes("v1."), "the core group is v1.");
  assert.ok(names.includes("v1.apps"));
  assert.ok(names.includes("v2.autoscaling") && names.includes("v1.autoscaling"));
  const v2 = list.json.items.find(
    (i: { metadata: { name: string } }) => i.metadata.name === "v2.autoscaling",
  );
  const v1 = list.json.items.find(
    (i: { metadata: { name: string } }) => i.metadata.name === "v1.autoscaling",
  );
  assert.ok(v2.spec.versionPriority > v1.spec.versionPriority, "the preferred version ranks higher");
  assert.equal(v2.status.conditions[0].type, "Available");
  assert.equal(v2.status.conditions[0].status, "True");
  assert.equal(v2.status.conditions[0].reason, "Local");
  assert.equal(v2.status.conditions[0].lastTransitionTime, "2026-01-01T00:00:00Z");
  // Seeding again changes nothing.
  const before = list.json.metadata.resourceVersion;
  assert.deepEqual(await seed(api.handler, objects), []);
  const again = await api.request("GET", "/apis/apiregistration.k8s.io/v1/apiservices");
  assert.equal(again.json.metadata.resourceVersion, before);
});
