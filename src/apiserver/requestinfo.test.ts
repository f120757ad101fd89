import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequestInfo } from "./requestinfo.ts";

function info(method: string, path: string) {
  return parseRequestInfo(method, new URL(path, "https://x"));
}

test("core and group resource URLs", () => {
  const a = info("GET", "/api/v1/namespaces/default/pods/web/log");
  assert.deepEqual(
    [a.isResourceRequest, a.apiGroup, a.apiVersion, a.namespace, a.resource, a.name, a.subresource, a.verb],
    [true, "", "v1", "default", "pods", "web", "log", "get"],
  );
  const b = info("GET", "/apis/apps/v1/deployments");
  assert.deepEqual(
    [b.apiGroup, b.apiVersion, b.resource, b.name, b.verb],
    ["apps", "v1", "deployments", "", "list"],
  );
  const c = info("GET", "/apis/apps/v1/namespaces/ns/deployments?watch=true");
  assert.equal(c.verb, "watch");
  assert.equal(c.namespace, "ns");
});

test("namespaces themselves", () => {
  const a = info("GET", "/api/v1/namespaces/foo");
  assert.deepEqual([a.resource, a.name, a.namespace, a.verb], ["namespaces", "foo", "foo", "get"]);
  const b = info("PUT", "/api/v1/namespaces/foo/status");
  assert.deepEqual([b.resource, b.name, b.subresource, b.verb], ["namespaces", "foo", "status", "update"]);
  const c = info("GET", "/api/v1/namespaces");
  assert.deepEqual([c.resource, c.name, c.verb], ["namespaces", "", "list"]);
});

test("verbs from methods", () => {
  assert.equal(info("POST", "/api/v1/namespaces/d/pods").verb, "create");
  assert.equal(info("PATCH", "/api/v1/namespaces/d/pods/x").verb, "patch");
  assert.equal(info("DELETE", "/api/v1/namespaces/d/pods/x").verb, "delete");
  assert.equal(info("DELETE", "/api/v1/namespaces/d/pods").verb, "deletecollection");
  assert.equal(info("GET", "/api/v1/watch/namespaces/d/pods").verb, "watch");
});

test("non-resource URLs", () => {
  for (const p of ["/version", "/api", "/apis", "/api/v1", "/apis/apps/v1", "/healthz"]) {
    assert.equal(info("GET", p).isResourceRequest, false, p);
  }
});
