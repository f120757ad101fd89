import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromJson } from "../../cel/index.ts";
import { requestActivation } from "./activation.ts";
import { compilePolicy, policyCompileErrors } from "./compiler.ts";
import { attributes, policy } from "./testing.ts";
import { evaluatePolicy } from "./validator.ts";

const rules = {
  resourceRules: [
    { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"] },
  ],
};
const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: { replicas: 7 },
};

function evaluate(spec: Parameters<typeof policy>[0], failurePolicy = "Fail", params: unknown = null) {
  const attrs = attributes({ object: deployment });
  const bindings = {
    ...requestActivation(attrs, { metadata: { name: "default" } }, undefined),
    params: params === null ? null : fromJson(params),
  };
  return evaluatePolicy({ compiled: compilePolicy(policy(spec)), failurePolicy, bindings });
}

describe("policy evaluation", () => {
  it("denies with message, messageExpression or the failed expression, in that preference", () => {
    const r = evaluate({
      matchConstraints: rules,
      validations: [
        { expression: "object.spec.replicas < 5" },
        { expression: "object.spec.replicas < 5", message: "too many" },
        {
          expression: "object.spec.replicas < 5",
          message: "m",
          messageExpression: "'got ' + string(object.spec.replicas)",
        },
        { expression: "object.spec.replicas < 5", message: "fallback", messageExpression: "''" },
        { expression: "object.spec.replicas > 5", reason: "Forbidden" },
      ],
    });
    assert.deepEqual(
      r.decisions.map((d) => [d.action, d.message, d.reason]),
      [
        ["deny", "failed expression: object.spec.replicas < 5", "Invalid"],
        ["deny", "too many", "Invalid"],
        ["deny", "got 7", "Invalid"],
        ["deny", "fallback", "Invalid"],
        ["admit", "", ""],
      ],
    );
  });

  it("turns evaluation errors into denials under Fail and admissions under Ignore", () => {
    const spec = { matchConstraints: rules, validations: [{ expression: "object.spec.missing == 1" }] };
    const failed = evaluate(spec, "Fail").decisions[0];
    assert.equal(failed?.action, "deny");
    assert.equal(
      failed?.message,
      "expression 'object.spec.missing == 1' resulted in error: no such key: missing",
    );
    assert.equal(evaluate(spec, "Ignore").decisions[0]?.action, "admit");
  });

  it("skips the policy when a matchCondition is false", () => {
    const r = evaluate({
      matchConstraints: rules,
      matchConditions: [{ name: "only-kube-system", expression: "request.namespace == 'kube-system'" }],
      validations: [{ expression: "false" }],
    });
    assert.equal(r.matched, false);
    assert.deepEqual(r.decisions, []);
  });

  it("evaluates variables lazily and once, and reads params, request and namespaceObject", () => {
    const r = evaluate(
      {
        matchConstraints: rules,
        variables: [
          { name: "limit", expression: "int(params.data.limit)" },
          { name: "unused", expression: "1 / 0 == 1" },
        ],
        validations: [
          { expression: "object.spec.replicas <= variables.limit" },
          { expression: "request.userInfo.username == 'alice' && request.operation == 'CREATE'" },
          { expression: "namespaceObject.metadata.name == 'default'" },
        ],
      },
      "Fail",
      { data: { limit: "10" } },
    );
    assert.deepEqual(
      r.decisions.map((d) => d.action),
      ["admit", "admit", "admit"],
    );
  });

  it("produces audit annotations from valueExpressions (null leaves them out)", () => {
    const r = evaluate({
      matchConstraints: rules,
      auditAnnotations: [
        { key: "replicas", valueExpression: "'replicas: ' + string(object.spec.replicas)" },
        { key: "none", valueExpression: "null" },
      ],
    });
    assert.deepEqual(r.auditAnnotations, [{ key: "replicas", value: "replicas: 7" }]);
  });

  it("reports every expression that does not compile at its path", () => {
    const errs = policyCompileErrors(
      compilePolicy(
        policy({
          matchConstraints: rules,
          validations: [{ expression: "true" }, { expression: "1 +", messageExpression: "foo" }],
          matchConditions: [{ name: "c", expression: "bar" }],
          variables: [{ name: "v", expression: "(" }],
          auditAnnotations: [{ key: "k", valueExpression: "size()" }],
        }),
      ),
    );
    assert.deepEqual(
      errs.map((e) => e.field),
      [
        "spec.validations[1].expression",
        "spec.validations[1].messageExpression",
        "spec.matchConditions[0].expression",
        "spec.variables[0].expression",
        "spec.auditAnnotations[0].valueExpression",
      ],
    );
    assert.match(String(errs[0]?.detail), /^compilation failed: ERROR: <input>:1:4: Syntax error/);
  });
});
