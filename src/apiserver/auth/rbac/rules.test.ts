import assert from "node:assert/strict";
import { test } from "node:test";
import type { Attributes } from "../attributes.ts";
import { ruleAllows, rulesCover } from "./rules.ts";

const base: Attributes = {
  user: { name: "u", groups: [] },
  verb: "get",
  isResourceRequest: true,
  path: "",
  namespace: "ns",
  apiGroup: "",
  apiVersion: "v1",
  resource: "pods",
  subresource: "",
  name: "p",
};

test("resource rules: groups, resources, subresources, names and verbs", () => {
  const pods = { apiGroups: [""], resources: ["pods"], verbs: ["get"] };
  assert.equal(ruleAllows(base, pods), true);
  assert.equal(ruleAllows({ ...base, verb: "list" }, pods), false);
  assert.equal(ruleAllows({ ...base, apiGroup: "apps" }, pods), false);
  assert.equal(ruleAllows({ ...base, subresource: "log" }, pods), false);
  assert.equal(ruleAllows({ ...base, subresource: "log" }, { ...pods, resources: ["pods/log"] }), true);
  assert.equal(ruleAllows({ ...base, subresource: "log" }, { ...pods, resources: ["*/log"] }), true);
  assert.equal(ruleAllows({ ...base, subresource: "exec" }, { ...pods, resources: ["*/log"] }), false);
  assert.equal(ruleAllows(base, { ...pods, resources: ["*/log"] }), false);
  assert.equal(ruleAllows({ ...base, subresource: "status" }, { ...pods, resources: ["*"] }), true);
  assert.equal(
    ruleAllows(
      { ...base, verb: "delete", apiGroup: "x" },
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
    ),
    true,
  );
  const named = { ...pods, resourceNames: ["p"] };
  assert.equal(ruleAllows(base, named), true);
  assert.equal(ruleAllows({ ...base, name: "q" }, named), false);
  assert.equal(ruleAllows({ ...base, verb: "list", name: "" }, { ...named, verbs: ["list"] }), false);
});

test("non-resource URLs: exact and trailing *", () => {
  const nr: Attributes = { ...base, isResourceRequest: false, path: "/healthz/etcd", verb: "get" };
  assert.equal(ruleAllows(nr, { verbs: ["get"], nonResourceURLs: ["/healthz"] }), false);
  assert.equal(ruleAllows(nr, { verbs: ["get"], nonResourceURLs: ["/healthz/*"] }), true);
  assert.equal(ruleAllows(nr, { verbs: ["get"], nonResourceURLs: ["*"] }), true);
  assert.equal(ruleAllows({ ...nr, verb: "post" }, { verbs: ["get"], nonResourceURLs: ["*"] }), false);
  // A resource rule never covers a path.
  assert.equal(ruleAllows(nr, { verbs: ["*"], apiGroups: ["*"], resources: ["*"] }), false);
});

test("rulesCover: a grant is covered only by what is held, `*` only by `*`", () => {
  const held = [
    { apiGroups: [""], resources: ["pods", "configmaps"], verbs: ["get", "list"] },
    { apiGroups: ["apps"], resources: ["*"], verbs: ["*"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["s1"] },
    { verbs: ["get"], nonResourceURLs: ["/api/*"] },
  ];
  assert.equal(rulesCover(held, { apiGroups: [""], resources: ["pods"], verbs: ["get"] }), true);
  assert.equal(rulesCover(held, { apiGroups: [""], resources: ["pods"], verbs: ["delete"] }), false);
  assert.equal(rulesCover(held, { apiGroups: [""], resources: ["pods"], verbs: ["*"] }), false);
  assert.equal(
    rulesCover(held, { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["*"] }),
    true,
  );
  assert.equal(rulesCover(held, { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }), false);
  assert.equal(
    rulesCover(held, { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["s1"] }),
    true,
  );
  assert.equal(rulesCover(held, { verbs: ["get"], nonResourceURLs: ["/api/v1"] }), true);
  assert.equal(rulesCover(held, { verbs: ["get"], nonResourceURLs: ["/apis"] }), false);
});
