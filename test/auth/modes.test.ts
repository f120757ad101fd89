// --authorization-mode variants in-process: AlwaysAllow keeps "any authenticated caller may do
// everything" (and still honours impersonation checks as allowed), RBAC alone has no Node
// authorizer, and reviews answer per mode.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthTestApi } from "./support.ts";

const alice = { name: "alice", groups: ["dev"] };
const kubelet = { name: "system:node:n1", groups: ["system:nodes"] };

test("AlwaysAllow: every authenticated caller may do everything, reviews say allowed", async () => {
  const env = new AuthTestApi(["AlwaysAllow"]);
  await env.start();
  try {
    assert.equal(
      (await env.api.request("GET", "/api/v1/namespaces/default/secrets", undefined, {}, alice)).status,
      200,
    );
    const review = await env.api.request(
      "POST",
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      { spec: { resourceAttributes: { verb: "delete", resource: "nodes" } } },
      {},
      alice,
    );
    assert.equal(review.status, 201);
    assert.equal(review.json.status.allowed, true);
  } finally {
    await env.close();
  }
});

test("RBAC without Node: a kubelet identity has only what RBAC grants it", async () => {
  const env = new AuthTestApi(["RBAC"]);
  await env.start();
  try {
    const res = await env.api.request("GET", "/api/v1/nodes/n1", undefined, {}, kubelet);
    assert.equal(res.status, 403);
    const sar = await env.api.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
      spec: {
        user: "alice",
        groups: ["dev"],
        resourceAttributes: { namespace: "default", verb: "get", resource: "pods" },
      },
    });
    assert.equal(sar.status, 201);
    assert.deepEqual(sar.json.status, { allowed: false });
    const admin = await env.api.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
      spec: {
        user: "root",
        groups: ["system:masters"],
        nonResourceAttributes: { path: "/metrics", verb: "get" },
      },
    });
    assert.equal(admin.json.status.allowed, true);
    const token = await env.api.request("POST", "/apis/authentication.k8s.io/v1/tokenreviews", {
      spec: { token: "nope" },
    });
    assert.equal(token.json.status.authenticated, undefined);
    assert.equal(token.json.status.error, "invalid bearer token");
  } finally {
    await env.close();
  }
});
