import assert from "node:assert/strict";
import { test } from "node:test";
import type { Attributes } from "./attributes.ts";
import { createUnionAuthorizer, parseAuthorizationModes } from "./authz.ts";

test("--authorization-mode parsing", () => {
  assert.deepEqual(parseAuthorizationModes("Node,RBAC"), ["Node", "RBAC"]);
  assert.deepEqual(parseAuthorizationModes(" AlwaysAllow "), ["AlwaysAllow"]);
  assert.throws(() => parseAuthorizationModes("ABAC"), /"ABAC" is not a valid mode/);
  assert.throws(() => parseAuthorizationModes("RBAC,RBAC"), /already been specified/);
});

test("union: first allow or deny wins, system:masters always, no opinion denies", () => {
  const attrs = (groups: string[]): Attributes => ({
    user: { name: "u", groups },
    verb: "get",
    isResourceRequest: false,
    path: "/x",
    namespace: "",
    apiGroup: "",
    apiVersion: "",
    resource: "",
    subresource: "",
    name: "",
  });
  const silent = { decide: () => ({ decision: "noOpinion" as const, reason: "nothing here" }) };
  const union = createUnionAuthorizer(["Node", "RBAC"], { node: silent, rbac: silent });
  assert.equal(union.decide(attrs([])).decision, "noOpinion");
  assert.equal(union.decide(attrs([])).reason, "nothing here\nnothing here");
  assert.equal(union.decide(attrs(["system:masters"])).decision, "allow");
  assert.equal(createUnionAuthorizer(["AlwaysDeny", "AlwaysAllow"], {}).decide(attrs([])).decision, "deny");
  assert.throws(() => createUnionAuthorizer(["RBAC"], {}), /RBAC authorizer not available/);
});
