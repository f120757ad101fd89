import assert from "node:assert/strict";
import { it } from "node:test";
import { query, resourcePath } from "./paths.ts";

it("builds core, group, namespaced, cluster-scoped and subresource paths", () => {
  const pods = { group: "", version: "v1", resource: "pods", namespaced: true };
  const deploys = { group: "apps", version: "v1", resource: "deployments", namespaced: true };
  const nodes = { group: "", version: "v1", resource: "nodes", namespaced: false };
  assert.equal(resourcePath(pods), "/api/v1/pods");
  assert.equal(resourcePath(pods, { namespace: "ns" }), "/api/v1/namespaces/ns/pods");
  assert.equal(
    resourcePath(pods, { namespace: "ns", name: "p", subresource: "binding" }),
    "/api/v1/namespaces/ns/pods/p/binding",
  );
  assert.equal(
    resourcePath(deploys, { namespace: "ns", name: "d" }),
    "/apis/apps/v1/namespaces/ns/deployments/d",
  );
  assert.equal(resourcePath(nodes, { namespace: "ignored", name: "n1" }), "/api/v1/nodes/n1");
  assert.equal(resourcePath(nodes, { name: "a b" }), "/api/v1/nodes/a%20b");
});

it("encodes defined query values only", () => {
  assert.equal(query({}), "");
  assert.equal(query({ a: undefined, b: "" }), "");
  assert.equal(
    query({ labelSelector: "app=web,tier!=db", limit: 5, watch: true }),
    "?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=5&watch=true",
  );
});
