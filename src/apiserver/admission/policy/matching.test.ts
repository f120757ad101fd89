import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchResourcesMatch } from "./matching.ts";
import { attributes } from "./testing.ts";

const deployments = {
  apiGroups: ["apps"],
  apiVersions: ["v1"],
  operations: ["CREATE", "UPDATE"],
  resources: ["deployments"],
};

describe("policy match resources", () => {
  const attrs = attributes({ name: "web", object: { metadata: { name: "web", labels: { tier: "front" } } } });
  const required = { requireRules: true };

  it("matches by rules, resourceNames and excludeResourceRules", () => {
    assert.equal(matchResourcesMatch({ resourceRules: [deployments] }, attrs, {}, required), true);
    assert.equal(
      matchResourcesMatch(
        { resourceRules: [{ ...deployments, resourceNames: ["db"] }] },
        attrs,
        {},
        required,
      ),
      false,
    );
    assert.equal(
      matchResourcesMatch(
        { resourceRules: [{ ...deployments, resourceNames: ["web"] }] },
        attrs,
        {},
        required,
      ),
      true,
    );
    assert.equal(
      matchResourcesMatch(
        { resourceRules: [deployments], excludeResourceRules: [deployments] },
        attrs,
        {},
        required,
      ),
      false,
    );
    assert.equal(
      matchResourcesMatch(
        { resourceRules: [{ ...deployments, operations: ["DELETE"] }] },
        attrs,
        {},
        required,
      ),
      false,
    );
  });

  it("matches on object and namespace labels", () => {
    const m = (sel: object) =>
      matchResourcesMatch({ resourceRules: [deployments], ...sel }, attrs, { env: "prod" }, required);
    assert.equal(m({ objectSelector: { matchLabels: { tier: "front" } } }), true);
    assert.equal(m({ objectSelector: { matchLabels: { tier: "back" } } }), false);
    assert.equal(m({ namespaceSelector: { matchLabels: { env: "prod" } } }), true);
    assert.equal(
      m({ namespaceSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] } }),
      false,
    );
  });

  it("a binding without matchResources takes what its policy matches; a policy needs rules", () => {
    assert.equal(matchResourcesMatch(undefined, attrs, {}, { requireRules: false }), true);
    assert.equal(matchResourcesMatch(undefined, attrs, {}, required), false);
    assert.equal(
      matchResourcesMatch(
        { objectSelector: { matchLabels: { tier: "front" } } },
        attrs,
        {},
        { requireRules: false },
      ),
      true,
    );
  });
});
