import assert from "node:assert/strict";
import { test } from "node:test";
import { type Attributes, forbiddenError } from "./attributes.ts";

const a: Attributes = {
  user: { name: "alice", groups: [] },
  verb: "list",
  isResourceRequest: true,
  path: "/api/v1/namespaces/default/pods",
  namespace: "default",
  apiGroup: "",
  apiVersion: "v1",
  resource: "pods",
  subresource: "",
  name: "",
};

test("Forbidden messages as kube-apiserver prints them", () => {
  assert.equal(
    forbiddenError(a).message,
    'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
  );
  const named = forbiddenError({ ...a, verb: "get", name: "p", subresource: "log" });
  assert.equal(
    named.message,
    'pods "p" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "default"',
  );
  assert.deepEqual(named.details, { name: "p", kind: "pods" });
  assert.equal(
    forbiddenError({ ...a, namespace: "", apiGroup: "apps", resource: "deployments" }).message,
    'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope',
  );
  assert.equal(
    forbiddenError({ ...a, isResourceRequest: false, verb: "get", path: "/metrics", resource: "" }).message,
    'forbidden: User "alice" cannot get path "/metrics"',
  );
  assert.equal(forbiddenError(a, "no relationship").message.endsWith(": no relationship"), true);
  assert.equal(forbiddenError(a).code, 403);
});
