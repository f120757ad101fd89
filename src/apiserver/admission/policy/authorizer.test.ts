import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Attributes } from "../../auth/attributes.ts";
import { compile } from "../../cel/index.ts";
import { AuthorizerValue, authorizerLibrary } from "./authorizer.ts";

describe("the authorizer variable", () => {
  const seen: Attributes[] = [];
  const authorizer = new AuthorizerValue({
    user: { name: "alice", groups: ["devs"] },
    decide: (a) => {
      seen.push(a);
      return a.verb === "get"
        ? { decision: "allow", reason: "" }
        : { decision: "noOpinion", reason: "no rule" };
    },
  });
  const run = (expr: string) =>
    compile(expr, { variables: ["authorizer"], libraries: [authorizerLibrary] }).evaluate({ authorizer });

  it("checks resources with group, resource, subresource, namespace and name", () => {
    assert.equal(
      run(
        "authorizer.group('apps').resource('deployments').namespace('ns').name('web').check('get').allowed()",
      ),
      true,
    );
    assert.deepEqual(
      { ...seen.at(-1), user: undefined },
      {
        user: undefined,
        verb: "get",
        isResourceRequest: true,
        path: "",
        apiGroup: "apps",
        apiVersion: "*",
        resource: "deployments",
        subresource: "",
        namespace: "ns",
        name: "web",
      },
    );
    assert.equal(
      run("authorizer.group('').resource('pods').subresource('exec').check('create').allowed()"),
      false,
    );
    assert.equal(run("authorizer.group('').resource('pods').check('create').reason()"), "no rule");
  });

  it("checks paths and service accounts", () => {
    assert.equal(run("authorizer.path('/healthz').check('get').allowed()"), true);
    assert.equal(seen.at(-1)?.isResourceRequest, false);
    run("authorizer.serviceAccount('ns', 'robot').group('').resource('pods').check('list').allowed()");
    assert.equal(seen.at(-1)?.user.name, "system:serviceaccount:ns:robot");
  });
});
