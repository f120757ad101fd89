import assert from "node:assert/strict";
import { test } from "node:test";
import { ruleMatches, rulesMatch } from "./matching.ts";

const pods = {
  operation: "CREATE",
  group: "",
  version: "v1",
  resource: "pods",
  subresource: "",
  namespaced: true,
};
const rule = { operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] };

test("rules match operations, groups, versions and scope", () => {
  assert.equal(ruleMatches(rule, pods), true);
  assert.equal(ruleMatches(rule, { ...pods, operation: "UPDATE" }), false);
  assert.equal(ruleMatches({ ...rule, operations: ["*"] }, { ...pods, operation: "DELETE" }), true);
  assert.equal(ruleMatches({ ...rule, apiGroups: ["apps"] }, pods), false);
  assert.equal(ruleMatches({ ...rule, scope: "Cluster" }, pods), false);
  assert.equal(ruleMatches({ ...rule, scope: "Namespaced" }, pods), true);
});

test("resources: subresources only when named, with * on either side", () => {
  const status = { ...pods, subresource: "status" };
  assert.equal(ruleMatches(rule, status), false);
  assert.equal(ruleMatches({ ...rule, resources: ["pods/status"] }, status), true);
  assert.equal(ruleMatches({ ...rule, resources: ["*/status"] }, status), true);
  assert.equal(ruleMatches({ ...rule, resources: ["pods/*"] }, status), true);
  assert.equal(ruleMatches({ ...rule, resources: ["*"] }, status), false);
  assert.equal(ruleMatches({ ...rule, resources: ["*"] }, pods), true);
  assert.equal(ruleMatches({ ...rule, resources: ["*/*"] }, status), true);
});

test("matchPolicy Equivalent accepts another version of the same resource; Exact does not", () => {
  const v2 = { ...rule, apiVersions: ["v2"] };
  assert.equal(rulesMatch([v2], pods, "Exact"), false);
  assert.equal(rulesMatch([v2], pods, "Equivalent"), true);
});
