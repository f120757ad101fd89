import assert from "node:assert/strict";
import { test } from "node:test";
import type { ApiRequest } from "../http/sink.ts";
import type { Attributes } from "./attributes.ts";
import { createAuthenticator } from "./authn.ts";
import { withImpersonation } from "./impersonation.ts";

test("impersonation headers replace the caller only with the impersonate verb on each part", async () => {
  const asked: string[] = [];
  const authorizer = {
    decide: (a: Attributes) => {
      asked.push(`${a.apiGroup}/${a.resource}/${a.subresource}:${a.namespace}:${a.name}`);
      return { decision: a.name === "forbidden" ? ("noOpinion" as const) : ("allow" as const), reason: "" };
    },
  };
  const authn = withImpersonation(createAuthenticator(), authorizer);
  const req = (headers: Record<string, string>): ApiRequest => ({
    method: "GET",
    url: "/api",
    headers,
    body: [],
    inProcessUser: { name: "alice", groups: [] },
  });
  assert.equal((await authn.authenticate(req({})))?.name, "alice");
  const bob = await authn.authenticate(
    req({ "impersonate-user": "bob", "impersonate-group": "g1, g2", "impersonate-extra-scopes": "a" }),
  );
  assert.deepEqual(bob, {
    name: "bob",
    groups: ["g1", "g2", "system:authenticated"],
    extra: { scopes: ["a"] },
  });
  assert.deepEqual(asked, [
    "/users/::bob",
    "/groups/::g1",
    "/groups/::g2",
    "authentication.k8s.io/userextras/scopes::a",
  ]);
  const sa = await authn.authenticate(req({ "impersonate-user": "system:serviceaccount:ns:robot" }));
  assert.deepEqual(sa?.groups, [
    "system:serviceaccounts",
    "system:serviceaccounts:ns",
    "system:authenticated",
  ]);
  assert.equal(asked.at(-1), "/serviceaccounts/:ns:robot");
  assert.throws(
    () => authn.authenticate(req({ "impersonate-user": "forbidden" })),
    /cannot impersonate resource "users"/,
  );
  assert.throws(() => authn.authenticate(req({ "impersonate-group": "g" })), /without impersonating a user/);
});
